package dev.baton.handoff.streams;

import dev.baton.handoff.engine.Outcome;
import dev.baton.handoff.topology.DecisionMetrics;
import dev.baton.schemas.Speaker;
import dev.baton.schemas.topic.Topics;
import dev.baton.support.metrics.BatonMetrics;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The engine's decisions as metrics: {@code baton_decisions_total{tenant,outcome}} (outcome
 * {@code bot_reply}, {@code handoff} or {@code none}: the bot said nothing, e.g. while an agent
 * owns the conversation), {@code baton_handoffs_total{tenant,reason}},
 * {@code baton_decision_latency_seconds} (histogram, from the intake accepting the event to the
 * engine deciding it; the exactly-once commit follows within {@code handoff.commit-interval}),
 * and what each decision wrote per topic.
 */
@ApplicationScoped
public class MeteredDecisions implements DecisionMetrics {
  private static final Logger LOG = Logger.getLogger(MeteredDecisions.class);
  private final BatonMetrics metrics;
  private final Timer latency;

  public MeteredDecisions(BatonMetrics metrics) {
    this.metrics = metrics;
    this.latency = metrics.timer("baton.decision.latency",
        "from the intake accepting an event to the engine deciding it", Duration.ofMillis(5), Duration.ofSeconds(60));
  }

  @Override
  public void decided(String tenant, Outcome outcome, long acceptedAtMs, long decidedAtMs) {
    safely(() -> {
      metrics.consumed(Topics.ENRICHED_EVENTS.name(), tenant);
      latency.record(Math.max(0, decidedAtMs - acceptedAtMs), TimeUnit.MILLISECONDS);
      count(tenant, outcome);
    });
  }

  @Override
  public void decidedOnDeadline(String tenant, Outcome outcome) {
    safely(() -> count(tenant, outcome));
  }

  /**
   * Runs on the stream thread after the step's outputs are forwarded: a failure here must not fail
   * the step (its transaction would abort and the record be retried for ever).
   */
  private static void safely(Runnable measure) {
    try {
      measure.run();
    } catch (RuntimeException e) {
      LOG.debugf("a decision was not measured: %s", e.toString());
    }
  }

  @Override
  public void deadLettered(String sourceTopic, String deadLetterTopic) {
    metrics.deadLettered(deadLetterTopic);
  }

  private void count(String tenant, Outcome outcome) {
    String label = metrics.tenantLabel(tenant);
    String kind;
    if (outcome.handoff().isPresent()) {
      kind = "handoff";
      metrics.counter("baton.handoffs", "conversations handed to a person, by trigger", "tenant", label, "reason",
          outcome.handoff().get().reason().name().toLowerCase(Locale.ROOT)).increment();
      metrics.produced(Topics.HANDOFFS.name(), tenant);
    } else if (outcome.messages().stream().anyMatch(m -> m.sender() == Speaker.BOT)) {
      kind = "bot_reply";
    } else {
      kind = "none";
    }
    metrics.counter("baton.decisions", "events and deadlines decided, by outcome", "tenant", label, "outcome", kind)
        .increment();
    for (int i = 0; i < outcome.messages().size(); i++) {
      metrics.produced(Topics.OUTBOUND_MESSAGES.name(), tenant);
    }
    for (int i = 0; i < outcome.turns().size(); i++) {
      metrics.produced(Topics.CONVERSATION_TURNS.name(), tenant);
    }
  }
}
