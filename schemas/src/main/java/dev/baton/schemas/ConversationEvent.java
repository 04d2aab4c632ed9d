package dev.baton.schemas;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * Something that happened in a customer conversation, on any channel. Published by the intake
 * service to {@code conversation-events}, keyed by its {@link ConversationKey}.
 *
 * @param eventId unique id given by the sender; a retried delivery carries the same id
 * @param text what was said, for messages and speech segments; null otherwise
 * @param agentId the agent who wrote an {@link EventType#AGENT_MESSAGE}; null otherwise
 * @param attributes channel-specific extras (provider message id, call id); never null
 */
public record ConversationEvent(
    int schemaVersion,
    String eventId,
    EventType type,
    String tenantId,
    String conversationId,
    Channel channel,
    Instant occurredAt,
    Customer customer,
    String text,
    String agentId,
    Map<String, String> attributes) implements Conversational {
  /**
   * Set by the intake alone, on the customer's first message or call after a missed call: the
   * missed call's conversation id and when it was missed (ISO-8601).
   */
  public static final String MISSED_CALL_CONVERSATION = "missedCall.conversationId";
  public static final String MISSED_CALL_AT = "missedCall.at";

  /**
   * Attribute of a {@link EventType#CUSTOMER_MESSAGE}: {@code "true"} when the customer pressed a
   * channel's own "talk to a person" control (the web chat widget's button), an explicit request
   * for a person whatever the text says or whichever language it is in.
   */
  public static final String PERSON_REQUESTED = "customer.personRequested";

  /** True when the customer asked for a person with a channel's control ({@link #PERSON_REQUESTED}). */
  public boolean personRequested() {
    return type == EventType.CUSTOMER_MESSAGE && "true".equals(attributes.get(PERSON_REQUESTED));
  }

  public ConversationEvent {
    Objects.requireNonNull(eventId, "eventId");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(tenantId, "tenantId");
    Objects.requireNonNull(conversationId, "conversationId");
    Objects.requireNonNull(channel, "channel");
    Objects.requireNonNull(occurredAt, "occurredAt");
    attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
  }
}
