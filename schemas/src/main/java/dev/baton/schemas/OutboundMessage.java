package dev.baton.schemas;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A message to send to the customer on their channel. Published to {@code outbound-messages};
 * the intake service delivers it.
 *
 * @param messageId derived from the event that caused it, so a replay yields the same id and the
 *     deliverer can drop the duplicate
 * @param reason why it was sent, e.g. {@code faq:opening-hours}, {@code handoff-notice}
 * @param causationEventId the event that caused it
 * @param choices answers the customer can tap, in order; null or empty for none. Channels that
 *     cannot show buttons list them in the text
 */
public record OutboundMessage(
    int schemaVersion,
    String messageId,
    String tenantId,
    String conversationId,
    Channel channel,
    Customer recipient,
    Speaker sender,
    String agentId,
    String text,
    String reason,
    String causationEventId,
    Instant createdAt,
    List<Choice> choices) implements Conversational {

  public OutboundMessage {
    choices = choices == null || choices.isEmpty() ? null : List.copyOf(choices);
    Objects.requireNonNull(messageId, "messageId");
    Objects.requireNonNull(tenantId, "tenantId");
    Objects.requireNonNull(conversationId, "conversationId");
    Objects.requireNonNull(channel, "channel");
    Objects.requireNonNull(text, "text");
  }

  /** A message without choices. */
  public OutboundMessage(int schemaVersion, String messageId, String tenantId, String conversationId,
      Channel channel, Customer recipient, Speaker sender, String agentId, String text, String reason,
      String causationEventId, Instant createdAt) {
    this(schemaVersion, messageId, tenantId, conversationId, channel, recipient, sender, agentId, text, reason,
        causationEventId, createdAt, null);
  }

  /**
   * The text with each choice on a line of its own, for channels without buttons (SMS): the
   * customer replies with a title, which reads as the tapped choice would.
   */
  public String textWithChoices() {
    if (choices == null) {
      return text;
    }
    StringBuilder out = new StringBuilder(text);
    for (Choice c : choices) {
      out.append("\n\u2022 ").append(c.title());
    }
    return out.toString();
  }

  /** The choices, empty when there are none. */
  @JsonIgnore
  public List<Choice> choiceList() {
    return choices == null ? List.of() : choices;
  }
}
