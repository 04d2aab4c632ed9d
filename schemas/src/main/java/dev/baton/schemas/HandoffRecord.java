package dev.baton.schemas;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A conversation handed to a person, with everything the agent needs so the customer does not
 * repeat themselves. Published to {@code handoffs}; one per conversation episode.
 *
 * @param handoffId {@code <tenantId>/<conversationId>:<episode>}, so a replay produces the same id
 *     and two tenants' conversations with the same id never share one
 * @param priority 1 (most urgent) to 4; see the handoff service README for how it is derived
 * @param skill the skill or queue that should take it
 * @param collectedData data the bot extracted (order numbers, dates, emails, phones)
 * @param summary what the customer wants, what the bot tried, how they feel
 * @param followUp true when no agent can answer now (outside business hours, missed call)
 * @param omittedTurns turns older than {@code transcript} (which keeps the newest that fit the
 *     size bound); the agent reads them from the conversation's full transcript
 * @param language ISO 639-1 code of the language the customer writes in, when known; null in
 *     records written before languages were detected
 */
public record HandoffRecord(
    int schemaVersion,
    String handoffId,
    int episode,
    String tenantId,
    String conversationId,
    Channel channel,
    Customer customer,
    HandoffReason reason,
    int priority,
    String skill,
    List<Turn> transcript,
    List<Slot> collectedData,
    String summary,
    DecisionAudit audit,
    boolean followUp,
    Instant createdAt,
    int omittedTurns,
    String language) implements Conversational {

  public HandoffRecord {
    Objects.requireNonNull(handoffId, "handoffId");
    Objects.requireNonNull(tenantId, "tenantId");
    Objects.requireNonNull(conversationId, "conversationId");
    Objects.requireNonNull(reason, "reason");
    transcript = transcript == null ? List.of() : List.copyOf(transcript);
    collectedData = collectedData == null ? List.of() : List.copyOf(collectedData);
  }

  /** A handoff without a known language (as written before languages were detected). */
  public HandoffRecord(int schemaVersion, String handoffId, int episode, String tenantId, String conversationId,
      Channel channel, Customer customer, HandoffReason reason, int priority, String skill, List<Turn> transcript,
      List<Slot> collectedData, String summary, DecisionAudit audit, boolean followUp, Instant createdAt,
      int omittedTurns) {
    this(schemaVersion, handoffId, episode, tenantId, conversationId, channel, customer, reason, priority, skill,
        transcript, collectedData, summary, audit, followUp, createdAt, omittedTurns, null);
  }

  public static String idFor(String tenantId, String conversationId, int episode) {
    return ConversationKey.of(tenantId, conversationId) + ":" + episode;
  }
}
