package dev.baton.gateway.service;

import dev.baton.schemas.HandoffRecord;
import dev.baton.schemas.topic.Topics;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.operators.multi.processors.BroadcastProcessor;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Reads {@code handoffs}, keeps each in the {@link HandoffStore} and pushes it to the connected
 * agents of its tenant. A redelivered handoff (same id) is stored and pushed once.
 */
@ApplicationScoped
public class HandoffFeed {
  private static final Logger LOG = Logger.getLogger(HandoffFeed.class);

  private static final int LIVE_BUFFER = 10_000;

  private final HandoffStore store;
  private final BroadcastProcessor<HandoffRecord> live = BroadcastProcessor.create();

  public HandoffFeed(HandoffStore store) {
    this.store = store;
  }

  @Incoming(Topics.Names.HANDOFFS)
  @Blocking
  public void onHandoff(ConsumerRecord<String, byte[]> record) {
    HandoffRecord handoff;
    try {
      handoff = Topics.HANDOFFS.valueSerde().deserializer().deserialize(record.topic(), record.value());
    } catch (SerializationException e) {
      // Handoffs are written by our own topology; an unreadable one is a bug to see in the logs,
      // and the record itself stays on the topic.
      LOG.errorf("unreadable handoff at %s-%d@%d: %s", record.topic(), record.partition(), record.offset(), e.getMessage());
      return;
    }
    if (handoff == null) {
      return;
    }
    boolean fresh;
    try {
      fresh = store.add(handoff);
    } catch (RuntimeException e) {
      // Redis down: agents online still get it now; only the replay for late joiners misses it.
      LOG.errorf("cannot store handoff %s for replay: %s", handoff.handoffId(), e.getMessage());
      fresh = true;
    }
    if (fresh) {
      live.onNext(handoff);
    }
  }

  /**
   * Handoffs of one tenant as they arrive. Buffered per subscriber: the broadcast fails a
   * subscriber that has no demand at the moment of an item, and a slow browser must not lose one.
   */
  public Multi<HandoffRecord> live(String tenantId) {
    return live.onOverflow().buffer(LIVE_BUFFER).filter(h -> h.tenantId().equals(tenantId));
  }
}
