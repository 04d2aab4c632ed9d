package dev.baton.schemas;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Everything the handoff service remembers about one conversation. Kept in its state store and
 * published to the compacted {@code conversation-state} topic (a tombstone once the retention of
 * a closed conversation ends).
 *
 * @param episode counts the stretches of bot ownership; a hand back from an agent starts a new one
 * @param agentId the agent who owns the conversation while {@code owner} is AGENT
 * @param recentEventIds ids of the latest events handled, to drop redeliveries
 * @param collectedData slots the bot extracted from the customer's messages
 * @param lowConfidenceStrikes low-confidence customer messages in a row in this episode
 * @param unansweredStreak customer messages in a row the bot had no answer for
 * @param callActive a voice call is in progress
 * @param silenceDeadline when the caller's silence escalates, while the bot waits on a call
 * @param botIntroduced the bot already told the customer it is a virtual assistant
 * @param openHandoffId the handoff of the current episode, if any
 * @param closedAt when the conversation was resolved; state is deleted after the retention
 * @param turnCount every turn the conversation ever had; {@code transcript} keeps the newest that
 *     fit the state's size bound, and all of them are on {@code conversation-turns}
 * @param skill the queue the conversation belongs to since its handoff (changed by a transfer or a
 *     release); null while the bot has it, and in states written before skills were kept
 * @param queueStatus the last place in its queue the gateway reported, while QUEUED
 * @param queueNoticeAt when the waiting customer is next told where they stand, while QUEUED
 * @param callbackOfferedAt when the customer was offered a call back, until they take it or an
 *     agent takes the conversation
 * @param openHandoff what the open handoff was written with, to write it again as an update
 * @param resolutionCode the code the conversation was resolved with, while RESOLVED
 * @param language ISO 639-1 code of the language the customer writes in: set by a message whose
 *     language was detected with confidence, kept through short ones ("ok", "yes"); null until then
 * @param silenceReportedBy on an active call, the voice provider that reports the caller's silence
 *     itself ({@link EventType#CALLER_SILENT}; from the {@code voice.silenceReportedBy} attribute of
 *     {@code CALL_STARTED}, e.g. {@code twilio}), so that Baton's own silence deadline is only a
 *     backstop; null when Baton times the silence alone, and in states written before it was kept
 */
public record ConversationState(
    int schemaVersion,
    String tenantId,
    String conversationId,
    Channel channel,
    Customer customer,
    Owner owner,
    int episode,
    String agentId,
    List<Turn> transcript,
    Intent lastIntent,
    Sentiment lastSentiment,
    List<String> recentEventIds,
    List<Slot> collectedData,
    int lowConfidenceStrikes,
    int unansweredStreak,
    boolean callActive,
    Instant silenceDeadline,
    boolean botIntroduced,
    String openHandoffId,
    Instant startedAt,
    Instant updatedAt,
    Instant closedAt,
    int turnCount,
    String skill,
    AgentAction.QueueStatus queueStatus,
    Instant queueNoticeAt,
    Instant callbackOfferedAt,
    OpenHandoff openHandoff,
    String resolutionCode,
    String language,
    String silenceReportedBy) implements Conversational {

  /**
   * The parts of the open handoff that the state does not otherwise hold, so that the engine can
   * write the same handoff again as an update (a customer who asks to be called back).
   *
   * @param followUp no agent answers live: outside business hours, a missed call, or a call back
   *     the customer asked for; the waiting customer gets no queue notices
   * @param createdAt when the handoff was first written; an update keeps it
   */
  public record OpenHandoff(HandoffReason reason, DecisionAudit audit, boolean followUp, Instant createdAt) {
    public OpenHandoff {
      Objects.requireNonNull(reason, "reason");
    }

    public OpenHandoff asFollowUp() {
      return new OpenHandoff(reason, audit, true, createdAt);
    }
  }

  public ConversationState {
    Objects.requireNonNull(tenantId, "tenantId");
    Objects.requireNonNull(conversationId, "conversationId");
    Objects.requireNonNull(owner, "owner");
    transcript = transcript == null ? List.of() : List.copyOf(transcript);
    recentEventIds = recentEventIds == null ? List.of() : List.copyOf(recentEventIds);
    collectedData = collectedData == null ? List.of() : List.copyOf(collectedData);
  }

  public static ConversationState start(ConversationEvent first) {
    return new Builder()
        .tenantId(first.tenantId())
        .conversationId(first.conversationId())
        .channel(first.channel())
        .customer(first.customer())
        .owner(Owner.BOT)
        .episode(1)
        .startedAt(first.occurredAt())
        .updatedAt(first.occurredAt())
        .build();
  }

  /** Turns older than {@code transcript}, kept only on {@code conversation-turns}. */
  public int omittedTurns() {
    return Math.max(0, turnCount - transcript.size());
  }

  public boolean hasSeen(String eventId) {
    return recentEventIds.contains(eventId);
  }

  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Copy-and-change helper; the state itself stays immutable. */
  public static final class Builder {
    private String tenantId;
    private String conversationId;
    private Channel channel;
    private Customer customer;
    private Owner owner = Owner.BOT;
    private int episode = 1;
    private String agentId;
    private List<Turn> transcript = List.of();
    private Intent lastIntent;
    private Sentiment lastSentiment;
    private List<String> recentEventIds = List.of();
    private List<Slot> collectedData = List.of();
    private int lowConfidenceStrikes;
    private int unansweredStreak;
    private boolean callActive;
    private Instant silenceDeadline;
    private boolean botIntroduced;
    private String openHandoffId;
    private Instant startedAt;
    private Instant updatedAt;
    private Instant closedAt;
    private int turnCount;
    private String skill;
    private AgentAction.QueueStatus queueStatus;
    private Instant queueNoticeAt;
    private Instant callbackOfferedAt;
    private OpenHandoff openHandoff;
    private String resolutionCode;
    private String language;
    private String silenceReportedBy;

    public Builder() {}

    private Builder(ConversationState s) {
      tenantId = s.tenantId;
      conversationId = s.conversationId;
      channel = s.channel;
      customer = s.customer;
      owner = s.owner;
      episode = s.episode;
      agentId = s.agentId;
      transcript = s.transcript;
      lastIntent = s.lastIntent;
      lastSentiment = s.lastSentiment;
      recentEventIds = s.recentEventIds;
      collectedData = s.collectedData;
      lowConfidenceStrikes = s.lowConfidenceStrikes;
      unansweredStreak = s.unansweredStreak;
      callActive = s.callActive;
      silenceDeadline = s.silenceDeadline;
      botIntroduced = s.botIntroduced;
      openHandoffId = s.openHandoffId;
      startedAt = s.startedAt;
      updatedAt = s.updatedAt;
      closedAt = s.closedAt;
      turnCount = s.turnCount;
      skill = s.skill;
      queueStatus = s.queueStatus;
      queueNoticeAt = s.queueNoticeAt;
      callbackOfferedAt = s.callbackOfferedAt;
      openHandoff = s.openHandoff;
      resolutionCode = s.resolutionCode;
      language = s.language;
      silenceReportedBy = s.silenceReportedBy;
    }

    public Builder tenantId(String v) { tenantId = v; return this; }
    public Builder conversationId(String v) { conversationId = v; return this; }
    public Builder channel(Channel v) { channel = v; return this; }
    public Builder customer(Customer v) { customer = v; return this; }
    public Builder owner(Owner v) { owner = v; return this; }
    public Builder episode(int v) { episode = v; return this; }
    public Builder agentId(String v) { agentId = v; return this; }
    public Builder transcript(List<Turn> v) { transcript = v; return this; }
    public Builder lastIntent(Intent v) { lastIntent = v; return this; }
    public Builder lastSentiment(Sentiment v) { lastSentiment = v; return this; }
    public Builder recentEventIds(List<String> v) { recentEventIds = v; return this; }
    public Builder collectedData(List<Slot> v) { collectedData = v; return this; }
    public Builder lowConfidenceStrikes(int v) { lowConfidenceStrikes = v; return this; }
    public Builder unansweredStreak(int v) { unansweredStreak = v; return this; }
    public Builder callActive(boolean v) { callActive = v; return this; }
    public Builder silenceDeadline(Instant v) { silenceDeadline = v; return this; }
    public Builder botIntroduced(boolean v) { botIntroduced = v; return this; }
    public Builder openHandoffId(String v) { openHandoffId = v; return this; }
    public Builder startedAt(Instant v) { startedAt = v; return this; }
    public Builder updatedAt(Instant v) { updatedAt = v; return this; }
    public Builder closedAt(Instant v) { closedAt = v; return this; }
    public Builder turnCount(int v) { turnCount = v; return this; }
    public Builder skill(String v) { skill = v; return this; }
    public Builder queueStatus(AgentAction.QueueStatus v) { queueStatus = v; return this; }
    public Builder queueNoticeAt(Instant v) { queueNoticeAt = v; return this; }
    public Builder callbackOfferedAt(Instant v) { callbackOfferedAt = v; return this; }
    public Builder openHandoff(OpenHandoff v) { openHandoff = v; return this; }
    public Builder resolutionCode(String v) { resolutionCode = v; return this; }
    public Builder language(String v) { language = v; return this; }
    public Builder silenceReportedBy(String v) { silenceReportedBy = v; return this; }

    public ConversationState build() {
      return new ConversationState(
          SchemaVersions.CURRENT, tenantId, conversationId, channel, customer, owner, episode,
          agentId, transcript, lastIntent, lastSentiment, recentEventIds, collectedData,
          lowConfidenceStrikes, unansweredStreak, callActive, silenceDeadline, botIntroduced,
          openHandoffId, startedAt, updatedAt, closedAt, turnCount, skill, queueStatus, queueNoticeAt,
          callbackOfferedAt, openHandoff, resolutionCode, language, silenceReportedBy);
    }
  }
}
