package dev.baton.gateway.service;

import dev.baton.support.messaging.DeadLetterer;
import dev.baton.schemas.HandoffRecord;
import dev.baton.schemas.topic.Topics;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Reads {@code handoffs}, keeps each in the {@link HandoffStore} and pushes it to the connected
 * agents of its tenant. A redelivered handoff (same id) is stored and pushed once. A record that
 * cannot be read goes to {@code handoffs-dlq} with the reason; one with an enum value this
 * gateway does not know yet is shown as written ({@link ForwardCompatibleReader}).
 */
@ApplicationScoped
public class HandoffFeed {
  private static final Logger LOG = Logger.getLogger(HandoffFeed.class);

  private final HandoffStore store;
  private final LiveHandoffs live;
  private final DeadLetterer deadLetters;

  public HandoffFeed(HandoffStore store, LiveHandoffs live, DeadLetterer deadLetters) {
    this.store = store;
    this.live = live;
    this.deadLetters = deadLetters;
  }

  @Incoming(Topics.Names.HANDOFFS)
  @Blocking
  public void onHandoff(ConsumerRecord<String, byte[]> record) {
    ForwardCompatibleReader.Read<HandoffRecord> read;
    try {
      read = ForwardCompatibleReader.read(record.value(), HandoffRecord.class);
    } catch (ForwardCompatibleReader.Unreadable e) {
      deadLetters.send(Topics.HANDOFFS, record, e.getMessage());
      return;
    }
    HandoffRecord h = read.value();
    if (!read.unknownEnums().isEmpty()) {
      LOG.warnf("handoff %s has values of %s this gateway does not know; relayed as written", h.handoffId(),
          read.unknownEnums());
    }
    RelayedHandoff relayed = new RelayedHandoff(h.handoffId(), h.tenantId(), read.json());
    boolean fresh;
    try {
      fresh = store.add(relayed);
    } catch (RuntimeException e) {
      // Redis down: agents online still get it now; only the replay for late joiners misses it.
      LOG.errorf("cannot store handoff %s for replay: %s", h.handoffId(), e.getMessage());
      fresh = true;
    }
    if (fresh) {
      live.publish(relayed);
    }
  }
}
