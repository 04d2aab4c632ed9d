package dev.baton.handoff.topology;

import dev.baton.handoff.engine.ActionResults;
import dev.baton.handoff.engine.ConversationEngine;
import dev.baton.handoff.engine.Outcome;
import dev.baton.schemas.Conversational;
import dev.baton.schemas.ConversationState;
import dev.baton.schemas.ConversationTurn;
import dev.baton.schemas.DeadLetters;
import dev.baton.schemas.OutboundMessage;
import dev.baton.schemas.AgentAction;
import dev.baton.schemas.EnrichedEvent;
import dev.baton.schemas.topic.Topic;
import dev.baton.schemas.topic.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.jboss.logging.Logger;

/**
 * Applies the engine to each record and writes what it decided. Under exactly-once, the state
 * change, the messages, the handoff, the new transcript turns and the input offset commit
 * together, so a crash never leaves a reply without its state or the reverse.
 *
 * <p>Every path handles its own failures: a record that cannot be read, decided on or stored goes
 * to its input's dead-letter topic with the reason and processing continues; a punctuator that
 * fails on one conversation dead-letters that conversation's state and goes on with the others.
 * Nothing one record contains can stop the stream thread, and so every other tenant.
 */
final class ConversationProcessor implements Processor<String, byte[], String, Object> {
  private static final Logger LOG = Logger.getLogger(ConversationProcessor.class);
  static final String SERVICE = "handoff-service";

  private final ConversationEngine engine;
  private final Duration silenceCheckInterval;
  private final Duration retentionCheckInterval;
  /** Conversations a punctuator already dead-lettered in this run, so it does not repeat each time. */
  private final Set<String> failedInPunctuation = new HashSet<>();
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
    // Wall-clock, not stream time: a silent caller (or a customer waiting for an agent) sends no
    // events to move stream time forward.
    context.schedule(silenceCheckInterval, PunctuationType.WALL_CLOCK_TIME, this::fireDueDeadlines);
    context.schedule(retentionCheckInterval, PunctuationType.WALL_CLOCK_TIME, this::removeExpired);
  }

  @Override
  public void process(Record<String, byte[]> record) {
    RecordMetadata meta = context.recordMetadata().orElseThrow();
    boolean isAction = meta.topic().equals(Topics.AGENT_ACTIONS.name());
    Topic<String, ?> source = isAction ? Topics.AGENT_ACTIONS : Topics.ENRICHED_EVENTS;
    String dlqSink = isAction ? HandoffTopology.ACTIONS_DLQ_SINK : HandoffTopology.EVENTS_DLQ_SINK;
    Conversational value;
    try {
      value = (Conversational) source.valueSerde().deserializer().deserialize(meta.topic(), record.value());
      if (value == null) {
        throw new SerializationException("empty record");
      }
    } catch (SerializationException e) {
      deadLetter(record, meta, dlqSink, e.getMessage());
      return;
    }
    String key = value.conversationKey();
    Instant now = Instant.ofEpochMilli(context.currentSystemTimeMs());
    if (!key.equals(record.key())) {
      // Keyed otherwise, it may sit on another partition than its conversation's state.
      String reason = "key " + record.key() + " is not the conversation key " + key;
      deadLetter(record, meta, dlqSink, reason);
      if (isAction) {
        forwardResult(ActionResults.refused((AgentAction) value, null, reason, now), record.timestamp());
      }
      return;
    }
    ConversationState current = null;
    try {
      current = conversations.get(key);
      Outcome outcome = isAction
          ? engine.onAgentAction(current, (AgentAction) value, now)
          : engine.onEvent(current, (EnrichedEvent) value, now);
      if (outcome.rejection().isPresent()) {
        deadLetter(record, meta, dlqSink, outcome.rejection().get());
      } else {
        apply(key, current, outcome, record.timestamp());
      }
      if (isAction) {
        // Every action gets its answer, in the same transaction as what it changed.
        forwardResult(ActionResults.of((AgentAction) value, current, outcome, now), record.timestamp());
      }
    } catch (RuntimeException e) {
      // A bug or a bad value on one record must not stop every conversation: keep the record,
      // with the reason. Nothing was forwarded: apply writes the state before any output.
      LOG.errorf(e, "failed on %s-%d@%d", meta.topic(), meta.partition(), meta.offset());
      String reason = "processing failed: " + e;
      deadLetter(record, meta, dlqSink, reason);
      if (isAction) {
        forwardResult(ActionResults.refused((AgentAction) value, current, reason, now), record.timestamp());
      }
    }
  }

  private void forwardResult(dev.baton.schemas.AgentActionResult result, long timestamp) {
    context.forward(new Record<String, Object>(result.conversationKey(), result, timestamp),
        HandoffTopology.ACTION_RESULTS_SINK);
  }

  private void apply(String key, ConversationState before, Outcome outcome, long timestamp) {
    ConversationState after = outcome.state();
    if (after == before) {
      return; // A redelivered event: already handled.
    }
    // The state first: if it cannot be stored, the input is dead-lettered and nothing was sent.
    conversations.put(key, after);
    updateDeadline(key, before, after);
    context.forward(new Record<String, Object>(key, after, timestamp), HandoffTopology.STATE_SINK);
    for (ConversationTurn turn : outcome.turns()) {
      context.forward(new Record<String, Object>(key, turn, timestamp), HandoffTopology.TURNS_SINK);
    }
    outcome.handoff().ifPresent(h ->
        context.forward(new Record<String, Object>(key, h, timestamp), HandoffTopology.HANDOFF_SINK));
    for (OutboundMessage m : outcome.messages()) {
      context.forward(new Record<String, Object>(key, m, timestamp), HandoffTopology.OUTBOUND_SINK);
    }
  }

  /**
   * Keeps the deadline store in step with the state's deadlines: the silence deadline of a call
   * the bot waits on and the next waiting notice of a queued conversation (never both at once:
   * one needs the bot as owner, the other the queue). The store only wakes the engine up; the
   * state says what is due.
   */
  private void updateDeadline(String key, ConversationState before, ConversationState after) {
    Set<String> old = deadlineKeys(before, key);
    Set<String> next = deadlineKeys(after, key);
    for (String k : old) {
      if (!next.contains(k)) {
        deadlines.delete(k);
      }
    }
    for (String k : next) {
      if (!old.contains(k)) {
        deadlines.put(k, key);
      }
    }
  }

  private static Set<String> deadlineKeys(ConversationState state, String key) {
    Set<String> keys = new HashSet<>(2);
    if (state != null && state.silenceDeadline() != null) {
      keys.add(deadlineKey(state.silenceDeadline(), key));
    }
    if (state != null && state.queueNoticeAt() != null) {
      keys.add(deadlineKey(state.queueNoticeAt(), key));
    }
    return keys;
  }

  /**
   * {@code <deadline epoch ms, zero-padded>|<conversation key>}. Deadlines come from times the
   * engine bounded, so they are positive and fit 15 digits; anything else is clamped rather than
   * allowed to throw or to sort out of order.
   */
  static String deadlineKey(Instant deadline, String key) {
    long ms;
    try {
      ms = Math.max(0, Math.min(deadline.toEpochMilli(), 999_999_999_999_999L));
    } catch (ArithmeticException e) {
      ms = deadline.isBefore(Instant.EPOCH) ? 0 : 999_999_999_999_999L;
    }
    return String.format("%015d|%s", ms, key);
  }

  private void fireDueDeadlines(long wallClockMs) {
    Instant now = Instant.ofEpochMilli(wallClockMs);
    List<KeyValue<String, String>> due = new ArrayList<>();
    try {
      // Keys sort by deadline; everything up to "now" (inclusive, hence the '}' after '|') is due.
      try (KeyValueIterator<String, String> it = deadlines.range(null, String.format("%015d}", wallClockMs))) {
        it.forEachRemaining(due::add);
      }
    } catch (RuntimeException e) {
      LOG.errorf(e, "cannot read the deadlines; retrying at the next check");
      return;
    }
    for (KeyValue<String, String> entry : due) {
      // Removed first: a deadline whose handling fails is not retried every 100 ms for ever.
      deadlines.delete(entry.key);
      ConversationState current = null;
      try {
        current = conversations.get(entry.value);
        Outcome outcome = engine.onDeadline(current, now);
        if (outcome.state() != current) {
          apply(entry.value, current, outcome, wallClockMs);
        }
      } catch (RuntimeException e) {
        LOG.errorf(e, "deadline check failed for a conversation of partition %s", context.taskId());
        deadLetterState(entry.value, current, "deadline check failed: " + e, wallClockMs);
      }
    }
  }

  private void removeExpired(long wallClockMs) {
    Instant now = Instant.ofEpochMilli(wallClockMs);
    List<KeyValue<String, ConversationState>> expired = new ArrayList<>();
    try (KeyValueIterator<String, ConversationState> it = conversations.all()) {
      while (it.hasNext()) {
        KeyValue<String, ConversationState> kv = it.next();
        try {
          if (kv.value != null && engine.expired(kv.value, now)) {
            expired.add(kv);
          }
        } catch (RuntimeException e) {
          if (failedInPunctuation.add(kv.key)) {
            deadLetterState(kv.key, kv.value, "retention check failed: " + e, wallClockMs);
          }
        }
      }
    } catch (RuntimeException e) {
      // An unreadable stored value ends the scan; the next check starts it again.
      LOG.errorf(e, "retention scan stopped early");
    }
    for (KeyValue<String, ConversationState> kv : expired) {
      deadlineKeys(kv.value, kv.key).forEach(deadlines::delete);
      conversations.delete(kv.key);
      // The tombstone lets compaction remove the conversation from conversation-state as well.
      context.forward(new Record<String, Object>(kv.key, null, wallClockMs), HandoffTopology.STATE_SINK);
    }
    if (!expired.isEmpty()) {
      LOG.infof("removed %d expired conversation(s)", expired.size());
    }
  }

  private void deadLetter(Record<String, byte[]> record, RecordMetadata meta, String sink, String reason) {
    LOG.warnf("dead-lettering %s-%d@%d: %s", meta.topic(), meta.partition(), meta.offset(), DeadLetters.bounded(reason));
    context.forward(new Record<String, Object>(record.key(),
        DeadLetters.of(meta.topic(), meta.partition(), meta.offset(), record.key(), record.value(), reason, SERVICE),
        record.timestamp()), sink);
  }

  /** A conversation a punctuator could not handle, kept on {@code conversation-state-dlq}. */
  private void deadLetterState(String key, ConversationState state, String reason, long timestamp) {
    byte[] payload = null;
    try {
      payload = state == null ? null : Topics.CONVERSATION_STATE.valueSerde().serializer()
          .serialize(Topics.CONVERSATION_STATE.name(), state);
    } catch (RuntimeException e) {
      reason = reason + " (state not serializable: " + e.getMessage() + ")";
    }
    context.forward(new Record<String, Object>(key,
        DeadLetters.of(Topics.CONVERSATION_STATE.name(), -1, -1, key, payload, reason, SERVICE), timestamp),
        HandoffTopology.STATE_DLQ_SINK);
  }
}
