package dev.baton.intake.service;

import dev.baton.intake.config.IntakeConfig;
import dev.baton.intake.service.EventDeduplicator.Claim;
import dev.baton.schemas.ConversationEvent;
import dev.baton.schemas.topic.Topics;
import dev.baton.support.kafka.KafkaPublisher;
import dev.baton.support.kafka.KafkaPublisher.PublishException;
import dev.baton.support.logging.LogContext;
import dev.baton.support.metrics.BatonMetrics;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Locale;
import org.jboss.logging.Logger;

/** Publishes a validated event exactly once per event id, its text masked per tenant policy. */
@ApplicationScoped
public class IntakeService {
  private static final Logger LOG = Logger.getLogger(IntakeService.class);

  private final EventDeduplicator dedup;
  private final KafkaPublisher publisher;
  private final IntakeConfig config;
  private final EventRedactor redactor;
  private final MissedCallLinks missedCalls;
  private final BatonMetrics metrics;

  public IntakeService(EventDeduplicator dedup, KafkaPublisher publisher, IntakeConfig config, EventRedactor redactor,
      MissedCallLinks missedCalls, BatonMetrics metrics) {
    this.dedup = dedup;
    this.metrics = metrics;
    this.missedCalls = missedCalls;
    this.publisher = publisher;
    this.config = config;
    this.redactor = redactor;
  }

  /** Returns how the claim went; throws when the broker did not confirm (nothing was kept). */
  public Claim accept(ConversationEvent event) throws PublishException {
    LogContext.conversation(event.tenantId(), event.conversationId());
    try {
      return claimAndPublish(event);
    } finally {
      LogContext.clearConversation(); // a webhook's batch goes on with another conversation
    }
  }

  private Claim claimAndPublish(ConversationEvent event) throws PublishException {
    event = redactor.redact(event); // privacy: nothing unmasked is published, stored or logged
    Claim claim = dedup.claim(event.tenantId(), event.eventId());
    if (claim != Claim.NEW) {
      LOG.debugf("event %s of %s: %s", event.eventId(), event.tenantId(), claim);
      count(event, claim == Claim.DUPLICATE ? "duplicate" : "in_progress");
      return claim;
    }
    MissedCallLinks.Link linked;
    try {
      MissedCallLinks.Linked l = missedCalls.link(event);
      event = l.event();
      linked = l.link();
      publisher.publish(Topics.CONVERSATION_EVENTS, event, config.publishTimeout());
    } catch (PublishException | RuntimeException e) {
      dedup.release(event.tenantId(), event.eventId());
      throw e;
    }
    dedup.confirm(event.tenantId(), event.eventId());
    count(event, "accepted");
    try {
      missedCalls.published(event, linked);
    } catch (RuntimeException e) {
      // The event is out; losing the link costs a recovery count, never the customer's message.
      LOG.warnf("cannot record the missed-call link of %s for %s: %s", event.eventId(), event.tenantId(), e.getMessage());
    }
    return Claim.NEW;
  }

  /** {@code baton_intake_events_total{tenant,channel,result}}: accepted, duplicate (a retry) or in_progress. */
  private void count(ConversationEvent event, String result) {
    metrics.counter("baton.intake.events", "events received from providers, by result", "tenant",
        metrics.tenantLabel(event.tenantId()), "channel", String.valueOf(event.channel()).toLowerCase(Locale.ROOT),
        "result", result).increment();
  }
}
