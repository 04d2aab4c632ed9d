package dev.baton.handoff.engine;

import dev.baton.schemas.HandoffReason;
import dev.baton.schemas.Sentiment;
import dev.baton.tenant.EscalationRules;
import java.time.Duration;

/**
 * Handoff priority, 1 (most urgent) to 4. Base by reason: keyword, sensitive topic, negative
 * sentiment, complaint, repeated failure and silence 2; explicit request, low confidence, missed call
 * and unsupported language 3.
 * One step more urgent when the customer is angry or the last sentiment is below the threshold;
 * one step more urgent when the customer has already waited {@link #LONG_WAIT} in this
 * conversation; one step less when the handoff is a follow-up (outside business hours).
 */
public final class Priorities {
  private Priorities() {}

  public static final Duration LONG_WAIT = Duration.ofMinutes(10);

  public static int of(HandoffReason reason, Sentiment last, EscalationRules rules, boolean followUp, Duration waited) {
    int p = switch (reason) {
      case KEYWORD, SENSITIVE_TOPIC, NEGATIVE_SENTIMENT, REPEATED_FAILURE, SILENCE, COMPLAINT -> 2;
      case EXPLICIT_REQUEST, LOW_CONFIDENCE, MISSED_CALL, UNSUPPORTED_LANGUAGE -> 3;
    };
    if (last != null && (last.emotion("anger") >= rules.angerThreshold() || last.score() < rules.sentimentThreshold())) {
      p--;
    }
    if (waited.compareTo(LONG_WAIT) >= 0) {
      p--;
    }
    if (followUp) {
      p++;
    }
    return Math.max(1, Math.min(4, p));
  }
}
