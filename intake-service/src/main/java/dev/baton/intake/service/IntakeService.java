package dev.baton.intake.service;

import dev.baton.intake.config.IntakeConfig;
import dev.baton.intake.service.EventDeduplicator.Claim;
import dev.baton.support.kafka.KafkaPublisher;
import dev.baton.support.kafka.KafkaPublisher.PublishException;
import dev.baton.schemas.ConversationEvent;
import dev.baton.schemas.topic.Topics;
import jakarta.enterprise.context.ApplicationScoped;
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

  public IntakeService(EventDeduplicator dedup, KafkaPublisher publisher, IntakeConfig config, EventRedactor redactor,
      MissedCallLinks missedCalls) {
    this.dedup = dedup;
    this.missedCalls = missedCalls;
    this.publisher = publisher;
    this.config = config;
    this.redactor = redactor;
  }

  /** Returns how the claim went; throws when the broker did not confirm (nothing was kept). */
  public Claim accept(ConversationEvent event) throws PublishException {
    event = redactor.redact(event); // privacy: nothing unmasked is published, stored or logged
    Claim claim = dedup.claim(event.tenantId(), event.eventId());
    if (claim != Claim.NEW) {
      LOG.debugf("event %s of %s: %s", event.eventId(), event.tenantId(), claim);
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
    try {
      missedCalls.published(event, linked);
    } catch (RuntimeException e) {
      // The event is out; losing the link costs a recovery count, never the customer's message.
      LOG.warnf("cannot record the missed-call link of %s for %s: %s", event.eventId(), event.tenantId(), e.getMessage());
    }
    return Claim.NEW;
  }
}
