package dev.baton.schemas;

import java.time.Instant;
import java.util.Objects;

/**
 * A message to send to the customer on their channel. Published to {@code outbound-messages};
 * the intake service delivers it.
 *
 * @param messageId derived from the event that caused it, so a replay yields the same id and the
 *     deliverer can drop the duplicate
 * @param reason why it was sent, e.g. {@code faq:opening-hours}, {@code handoff-notice}
 * @param causationEventId the event that caused it
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
    Instant createdAt) implements Conversational {

  public OutboundMessage {
    Objects.requireNonNull(messageId, "messageId");
    Objects.requireNonNull(tenantId, "tenantId");
    Objects.requireNonNull(conversationId, "conversationId");
    Objects.requireNonNull(channel, "channel");
    Objects.requireNonNull(text, "text");
  }
}
