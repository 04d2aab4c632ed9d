package dev.baton.schemas;

/**
 * Why the handoff service decided what it did, for the agent and for later review.
 *
 * @param rule the rule that fired, e.g. {@code keyword}
 * @param ruleVersion version of the rule set (tenant configuration version)
 * @param observed the value that was observed, e.g. the matched phrase or the score
 * @param threshold the threshold or list it was compared with
 * @param eventId the event that made the rule fire
 */
public record DecisionAudit(
    String rule, String ruleVersion, String observed, String threshold, String eventId) {}
