package dev.baton.gateway.service;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.schemas.HandoffRecord;
import dev.baton.schemas.topic.Topics;
import dev.baton.support.messaging.DeadLetterer;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Reads {@code handoffs} (one consumer group for all instances: each record is applied by one):
 * keeps the record in the {@link HandoffStore}, puts the conversation in its queue and appends the
 * {@code handoff} event to the tenant's {@link EventLog}, from which every instance serves it. A
 * redelivered handoff changes nothing; a record that cannot be read goes to {@code handoffs-dlq}
 * with the reason; one with an enum value this gateway does not know yet is kept as written
 * ({@link ForwardCompatibleReader}). While Redis is down the record is not acknowledged, so it
 * is applied when Redis is back: nothing a customer waits with is dropped. Anything else that
 * fails (even the dead letter) nacks the record: the channel writes it to {@code handoffs-dlq} as
 * it was read and goes on ({@link Feeds#settle}).
 */
@ApplicationScoped
public class HandoffFeed {
  private static final Logger LOG = Logger.getLogger(HandoffFeed.class);

  private final HandoffStore store;
  private final EventLog log;
  private final DeadLetterer deadLetters;

  public HandoffFeed(HandoffStore store, EventLog log, DeadLetterer deadLetters) {
    this.store = store;
    this.log = log;
    this.deadLetters = deadLetters;
  }

  @Incoming(Topics.Names.HANDOFFS)
  @Blocking
  public CompletionStage<Void> onHandoff(Message<byte[]> message) {
    return Feeds.settle(message, this::apply);
  }

  private void apply(ConsumerRecord<String, byte[]> record) {
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
    try {
      EventLog.Change change = Projections.handoff(h, ConversationViews.parse(read.json()));
      Feeds.untilApplied("handoff " + h.handoffId(), () -> {
        store.put(new RelayedHandoff(h.handoffId(), h.tenantId(), read.json()));
        log.apply(change);
      });
    } catch (Feeds.Stopped e) {
      throw e;
    } catch (RuntimeException e) {
      deadLetters.send(Topics.HANDOFFS, record, "cannot apply the handoff: " + e);
    }
  }
}
