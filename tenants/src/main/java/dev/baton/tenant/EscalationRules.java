package dev.baton.tenant;

import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * When a conversation goes to a person. Defaults are documented in the handoff service README.
 *
 * @param explicitRequestPhrases phrases asking for a person, matched on normalised whole words
 * @param keywords phrases that always escalate (complaint, lawyer...), matched the same way
 * @param explicitRequestIntents intents that mean the customer asks for a person
 * @param sensitiveIntents intents only a person may handle
 * @param sentimentThreshold a message scoring below this (in [-1, 1]) escalates
 * @param angerThreshold an anger score at or above this (in [0, 1]) escalates
 * @param trendWindow number of recent customer messages whose falling sentiment escalates
 * @param trendDrop total fall in sentiment score over the window that escalates
 * @param confidenceThreshold intent confidence below this counts as a low-confidence strike
 * @param lowConfidenceStrikes strikes that escalate; fewer get a clarifying question
 * @param maxUnanswered consecutive messages without an answer that escalate
 * @param silenceTimeout caller silence on an active voice call that escalates
 * @param stateRetention how long a quiet conversation's state is kept
 * @param complaintThreshold a complaint score at or above this (in [0, 1]) escalates; half of it
 *     escalates when the customer raises again what the bot already answered (repeated contact)
 */
public record EscalationRules(
    List<String> explicitRequestPhrases,
    List<String> keywords,
    Set<String> explicitRequestIntents,
    Set<String> sensitiveIntents,
    double sentimentThreshold,
    double angerThreshold,
    int trendWindow,
    double trendDrop,
    double confidenceThreshold,
    int lowConfidenceStrikes,
    int maxUnanswered,
    Duration silenceTimeout,
    Duration stateRetention,
    double complaintThreshold) {

  /**
   * A complaint score at or above this escalates by default: chosen on the written dev set
   * (nlp/data/baton/complaints-dev.csv) with every other signal on, see the handoff README.
   */
  public static final double DEFAULT_COMPLAINT_THRESHOLD = 0.6;

  public EscalationRules {
    explicitRequestPhrases = List.copyOf(explicitRequestPhrases);
    keywords = List.copyOf(keywords);
    explicitRequestIntents = Set.copyOf(explicitRequestIntents);
    sensitiveIntents = Set.copyOf(sensitiveIntents);
  }

  public static final EscalationRules DEFAULTS =
      new EscalationRules(
          List.of(
              "speak to someone", "talk to someone", "speak to a person", "talk to a person",
              "real person", "human", "agent", "representative", "operator", "speak to a human",
              "talk to a human",
              // Asked as a question, said to a silent line, or refusing the bot: words matched
              // without punctuation, so voice transcripts match as typed text does.
              "who can i talk to", "who can i speak to", "speak with someone", "talk with someone",
              "speak to somebody", "talk to somebody", "is anybody there", "is anyone there",
              "put me through", "transfer me", "not a robot", "dont want a robot", "no more robots",
              "stop the bot", "not a bot", "dont want a bot", "someone from your team"),
          List.of("complaint", "frustrated", "cancel my subscription", "lawyer", "solicitor"),
          Set.of("contact_human_agent"),
          Set.of(
              "billing_dispute", "get_refund", "damage_report", "insurance",
              "pricing_negotiation", "legal", "health"),
          -0.6,
          0.7,
          3,
          0.8,
          0.4,
          2,
          2,
          Duration.ofSeconds(5),
          Duration.ofDays(7),
          DEFAULT_COMPLAINT_THRESHOLD);
}
