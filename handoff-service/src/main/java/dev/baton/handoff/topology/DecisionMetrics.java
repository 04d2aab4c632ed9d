package dev.baton.handoff.topology;

import dev.baton.handoff.engine.Outcome;

/**
 * What the processor reports as it decides, for the service's metrics. Called on the stream
 * thread inside the step's transaction, so it must be cheap and must not throw; an aborted and
 * retried step reports again (metrics count work done, not work committed).
 */
public interface DecisionMetrics {
  DecisionMetrics NONE = new DecisionMetrics() {};

  /**
   * An event of {@code tenant} was decided: {@code acceptedAtMs} is its record's timestamp (when
   * the intake accepted the event; the stages keep it), {@code decidedAtMs} now.
   */
  default void decided(String tenant, Outcome outcome, long acceptedAtMs, long decidedAtMs) {}

  /** A deadline (silence, a waiting notice) of {@code tenant} decided something. */
  default void decidedOnDeadline(String tenant, Outcome outcome) {}

  /** A record of {@code sourceTopic} went to the dead-letter topic {@code deadLetterTopic}. */
  default void deadLettered(String sourceTopic, String deadLetterTopic) {}
}
