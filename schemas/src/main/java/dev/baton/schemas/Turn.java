package dev.baton.schemas;

import java.time.Instant;

/**
 * One line of a conversation transcript.
 *
 * @param eventId the event that produced the turn (for bot and agent turns, the message id)
 * @param intent intent of a customer turn, or null
 * @param sentiment sentiment label of a customer turn, or null
 * @param agentId the agent for an agent turn, or null
 * @param reason why a bot turn was said (e.g. {@code faq:opening-hours}), or why a system line is
 *     there (e.g. {@value #MISSED_CALL_LINK}{@code <conversationId>}), or null
 */
public record Turn(
    String eventId,
    Speaker speaker,
    String text,
    Instant at,
    String intent,
    Double intentConfidence,
    String sentiment,
    Double sentimentScore,
    String agentId,
    String reason) {
  /** The reason of the system line saying which missed call a conversation follows; the call's conversation id comes after it. */
  public static final String MISSED_CALL_LINK = "missed-call-link:";

  public static Turn of(String eventId, Speaker speaker, String text, Instant at) {
    return new Turn(eventId, speaker, text, at, null, null, null, null, null, null);
  }
}
