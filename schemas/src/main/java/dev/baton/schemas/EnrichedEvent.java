package dev.baton.schemas;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A conversation event with what the models understood of it. The sentiment service fills
 * {@code sentiment}; the routing service fills {@code intent}, {@code slots} and {@code
 * proposedReply} and {@code language}. Events without customer text pass through with those
 * fields null so that the handoff service sees every event of a conversation in order on one topic.
 *
 * @param language the language of the customer's text; null for events without text and for
 *     events enriched before languages were detected
 */
public record EnrichedEvent(
    int schemaVersion,
    ConversationEvent event,
    Sentiment sentiment,
    Intent intent,
    List<Slot> slots,
    ProposedReply proposedReply,
    DetectedLanguage language) implements Conversational {

  public EnrichedEvent {
    Objects.requireNonNull(event, "event");
    slots = slots == null ? List.of() : List.copyOf(slots);
  }

  /** An event without a detected language (as before languages were detected). */
  public EnrichedEvent(int schemaVersion, ConversationEvent event, Sentiment sentiment, Intent intent,
      List<Slot> slots, ProposedReply proposedReply) {
    this(schemaVersion, event, sentiment, intent, slots, proposedReply, null);
  }

  public static EnrichedEvent of(ConversationEvent event) {
    return new EnrichedEvent(SchemaVersions.CURRENT, event, null, null, List.of(), null, null);
  }

  public EnrichedEvent withSentiment(Sentiment newSentiment) {
    return new EnrichedEvent(schemaVersion, event, newSentiment, intent, slots, proposedReply, language);
  }

  public EnrichedEvent withRouting(Intent newIntent, List<Slot> newSlots, ProposedReply reply) {
    return new EnrichedEvent(schemaVersion, event, sentiment, newIntent, newSlots, reply, language);
  }

  public EnrichedEvent withLanguage(DetectedLanguage newLanguage) {
    return new EnrichedEvent(schemaVersion, event, sentiment, intent, slots, proposedReply, newLanguage);
  }

  public String eventId() {
    return event.eventId();
  }

  @Override
  public String tenantId() {
    return event.tenantId();
  }

  @Override
  public String conversationId() {
    return event.conversationId();
  }
}
