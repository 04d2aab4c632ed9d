package dev.baton.handoff.topology;

import dev.baton.handoff.engine.ConversationEngine;
import dev.baton.handoff.engine.Outcome;
import dev.baton.schemas.AgentAction;
import dev.baton.schemas.ConversationState;
import dev.baton.schemas.DeadLetters;
import dev.baton.schemas.EnrichedEvent;
import dev.baton.schemas.OutboundMessage;
import dev.baton.schemas.topic.Topic;
import dev.baton.schemas.topic.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.jboss.logging.Logger;

/**
 * Applies the engine to each record and writes what it decided. Under exactly-once, the state
 * change, the messages, the handoff and the input offset commit together, so a crash never leaves
 * a reply without its state or the reverse.
 */
final class ConversationProcessor implements Processor<String, byte[], String, Object> {
  private static final Logger LOG = Logger.getLogger(ConversationProcessor.class);
  private static final String SERVICE = "handoff-service";

  private final ConversationEngine engine;
  private final Duration silenceCheckInterval;
  private final Duration retentionCheckInterval;
  private ProcessorContext<String, Object> context;
  private KeyValueStore<String, ConversationState> conversations;
  private KeyValueStore<String, String> deadlines;

  ConversationProcessor(ConversationEngine engine, Duration silenceCheckInterval, Duration retentionCheckInterval) {
    this.engine = engine;
    this.silenceCheckInterval = silenceCheckInterval;
    this.retentionCheckInterval = retentionCheckInterval;
  }

  @Override
  public void init(ProcessorContext<String, Object> context) {
    this.context = context;
    this.conversations = context.getStateStore(HandoffTopology.CONVERSATION_STORE);
    this.deadlines = context.getStateStore(HandoffTopology.DEADLINE_STORE);
    // Wall-clock, not stream time: a silent caller sends no events to move stream time forward.
    context.schedule(silenceCheckInterval, PunctuationType.WALL_CLOCK_TIME, this::fireDueSilences);
    context.schedule(retentionCheckInterval, PunctuationType.WALL_CLOCK_TIME, this::removeExpired);
  }

  @Override
  public void process(org.apache.kafka.streams.processor.api.Record<String, byte[]> record) {
    RecordMetadata meta = context.recordMetadata().orElseThrow();
    boolean isAction = meta.topic().equals(Topics.AGENT_ACTIONS.name());
    Topic<String, ?> source = isAction ? Topics.AGENT_ACTIONS : Topics.ENRICHED_EVENTS;
    String dlqSink = isAction ? HandoffTopology.ACTIONS_DLQ_SINK : HandoffTopology.EVENTS_DLQ_SINK;
    Object value;
    try {
      value = source.valueSerde().deserializer().deserialize(meta.topic(), record.value());
      if (value == null) {
        throw new SerializationException("empty record");
      }
    } catch (SerializationException e) {
      deadLetter(record, meta, dlqSink, e.getMessage());
      return;
    }
    String conversationId = isAction ? ((AgentAction) value).conversationId() : ((EnrichedEvent) value).conversationId();
    if (record.key() == null || !record.key().equals(conversationId)) {
      // Keyed otherwise, it may sit on another partition than its conversation's state.
      deadLetter(record, meta, dlqSink, "key " + record.key() + " is not the conversation id " + conversationId);
      return;
    }
    ConversationState current = conversations.get(conversationId);
    Instant now = Instant.ofEpochMilli(context.currentSystemTimeMs());
    Outcome outcome;
    try {
      outcome = isAction
          ? engine.onAgentAction(current, (AgentAction) value, now)
          : engine.onEvent(current, (EnrichedEvent) value, now);
    } catch (RuntimeException e) {
      // A bug on one record must not stop every conversation: keep the record, with the reason.
      LOG.errorf(e, "engine failed on %s-%d@%d", meta.topic(), meta.partition(), meta.offset());
      deadLetter(record, meta, dlqSink, "engine failed: " + e);
      return;
    }
    if (outcome.rejection().isPresent()) {
      deadLetter(record, meta, dlqSink, outcome.rejection().get());
      return;
    }
    apply(conversationId, current, outcome, record.timestamp());
  }

  private void apply(String conversationId, ConversationState before, Outcome outcome, long timestamp) {
    ConversationState after = outcome.state();
    if (after == before) {
      return; // A redelivered event: already handled.
    }
    updateDeadline(conversationId, before, after);
    conversations.put(conversationId, after);
    context.forward(new org.apache.kafka.streams.processor.api.Record<String, Object>(conversationId, after, timestamp),
        HandoffTopology.STATE_SINK);
    outcome.handoff().ifPresent(h -> context.forward(
        new org.apache.kafka.streams.processor.api.Record<String, Object>(conversationId, h, timestamp),
        HandoffTopology.HANDOFF_SINK));
    for (OutboundMessage m : outcome.messages()) {
      context.forward(new org.apache.kafka.streams.processor.api.Record<String, Object>(conversationId, m, timestamp),
          HandoffTopology.OUTBOUND_SINK);
    }
  }

  private void updateDeadline(String conversationId, ConversationState before, ConversationState after) {
    Instant old = before == null ? null : before.silenceDeadline();
    Instant next = after.silenceDeadline();
    if (old != null && !old.equals(next)) {
      deadlines.delete(deadlineKey(old, conversationId));
    }
    if (next != null && !next.equals(old)) {
      deadlines.put(deadlineKey(next, conversationId), conversationId);
    }
  }

  static String deadlineKey(Instant deadline, String conversationId) {
    return String.format("%015d|%s", deadline.toEpochMilli(), conversationId);
  }

  private void fireDueSilences(long wallClockMs) {
    Instant now = Instant.ofEpochMilli(wallClockMs);
    List<KeyValue<String, String>> due = new ArrayList<>();
    // Keys sort by deadline; everything up to "now" (inclusive, hence the '}' after '|') is due.
    try (KeyValueIterator<String, String> it = deadlines.range(null, String.format("%015d}", wallClockMs))) {
      it.forEachRemaining(due::add);
    }
    for (KeyValue<String, String> entry : due) {
      deadlines.delete(entry.key);
      ConversationState current = conversations.get(entry.value);
      Outcome outcome = engine.onSilence(current, now);
      if (outcome.state() != current) {
        apply(entry.value, current, outcome, wallClockMs);
      }
    }
  }

  private void removeExpired(long wallClockMs) {
    Instant now = Instant.ofEpochMilli(wallClockMs);
    List<ConversationState> expired = new ArrayList<>();
    try (KeyValueIterator<String, ConversationState> it = conversations.all()) {
      it.forEachRemaining(kv -> {
        if (kv.value != null && engine.expired(kv.value, now)) {
          expired.add(kv.value);
        }
      });
    }
    for (ConversationState s : expired) {
      if (s.silenceDeadline() != null) {
        deadlines.delete(deadlineKey(s.silenceDeadline(), s.conversationId()));
      }
      conversations.delete(s.conversationId());
      // The tombstone lets compaction remove the conversation from conversation-state as well.
      context.forward(new org.apache.kafka.streams.processor.api.Record<String, Object>(s.conversationId(), null, wallClockMs),
          HandoffTopology.STATE_SINK);
    }
    if (!expired.isEmpty()) {
      LOG.infof("removed %d expired conversation(s)", expired.size());
    }
  }

  private void deadLetter(org.apache.kafka.streams.processor.api.Record<String, byte[]> record, RecordMetadata meta,
      String sink, String reason) {
    LOG.warnf("dead-lettering %s-%d@%d: %s", meta.topic(), meta.partition(), meta.offset(), reason);
    context.forward(new org.apache.kafka.streams.processor.api.Record<String, Object>(record.key(),
        DeadLetters.of(meta.topic(), meta.partition(), meta.offset(), record.key(), record.value(), reason, SERVICE),
        record.timestamp()), sink);
  }
}
