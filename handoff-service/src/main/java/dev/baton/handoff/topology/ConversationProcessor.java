package dev.baton.handoff.topology;

import dev.baton.handoff.engine.ActionResults;
import dev.baton.handoff.engine.ConversationEngine;
import dev.baton.handoff.engine.Outcome;
import dev.baton.schemas.AgentAction;
import dev.baton.schemas.AgentActionResult;
import dev.baton.schemas.ConversationState;
import dev.baton.schemas.ConversationTurn;
import dev.baton.schemas.Conversational;
import dev.baton.schemas.DeadLetter;
import dev.baton.schemas.DeadLetters;
import dev.baton.schemas.EnrichedEvent;
import dev.baton.schemas.OutboundMessage;
import dev.baton.schemas.topic.Topic;
import dev.baton.schemas.topic.Topics;
import dev.baton.support.logging.LogContext;
import dev.baton.support.logging.TraceParent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serializer;
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
 * change, the messages, the handoff, the new transcript turns, the dead letters and the input
 * offset commit together, so a crash never leaves a reply without its state or the reverse.
 *
 * <p>A record's writes are all or nothing. Every output is serialized and sized before anything
 * of the record is written; one that cannot be, or is over the record limit, dead-letters the
 * input instead and nothing else of it is written (an output the broker refused would abort the
 * whole transaction, see {@link FailedRecords}). Should the writing itself fail, the exception
 * leaves the processor, the transaction is aborted and the retry dead-letters the record.
 *
 * <p>Every path handles its own failures: a record that cannot be read, decided on or stored goes
 * to its input's dead-letter topic with the reason and processing continues; a stored state that
 * cannot be read goes to {@code conversation-state-dlq} as it was stored and is removed; a
 * punctuator that fails on one conversation dead-letters that conversation's state and goes on
 * with the others. Nothing one record contains can stop the stream thread, and so every other
 * tenant.
 */
final class ConversationProcessor implements Processor<String, byte[], String, byte[]> {
  private static final Logger LOG = Logger.getLogger(ConversationProcessor.class);
  static final String SERVICE = "handoff-service";
  /**
   * The most one output's key and value may take: the topics' record limit less room for
   * headers and batch framing. A record this size the producer and the broker both accept.
   */
  static final int MAX_OUTPUT_BYTES = Topics.MAX_MESSAGE_BYTES - 16 * 1024;
  private static final Serializer<DeadLetter> LETTERS =
      Topics.deadLetterOf(Topics.CONVERSATION_STATE).valueSerde().serializer();

  private final ConversationEngine engine;
  private final Duration silenceCheckInterval;
  private final Duration retentionCheckInterval;
  private final FailedRecords failed;
  private final DecisionMetrics metrics;
  /** Conversations a punctuator already dead-lettered in this run, so it does not repeat each time. */
  private final Set<String> failedInPunctuation = new HashSet<>();
  private ProcessorContext<String, byte[]> context;
  private KeyValueStore<String, byte[]> conversations;
  private KeyValueStore<String, String> deadlines;
  /** The traceparent of the record being processed; null between records and in punctuations. */
  private Header trace;

  ConversationProcessor(ConversationEngine engine, Duration silenceCheckInterval, Duration retentionCheckInterval,
      FailedRecords failed, DecisionMetrics metrics) {
    this.engine = engine;
    this.silenceCheckInterval = silenceCheckInterval;
    this.retentionCheckInterval = retentionCheckInterval;
    this.failed = failed;
    this.metrics = metrics;
  }

  /** One record to send: its sink, key and serialized value (null: a tombstone). */
  private record Output(String sink, String key, byte[] value) {}

  /** Everything one step writes, serialized and sized before any of it is written. */
  private record Writes(String key, ConversationState before, boolean changed, ConversationState after,
      byte[] state, List<Output> outputs) {}

  /** An output that cannot be written: the step writes nothing and is dead-lettered. */
  private static final class Refused extends RuntimeException {
    Refused(String message, Throwable cause) {
      super(message, cause, false, false);
    }
  }

  @Override
  public void init(ProcessorContext<String, byte[]> context) {
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
    // The input's traceparent goes on every output it makes (forward), and its id into the logs.
    Header in = record.headers().lastHeader(TraceParent.HEADER);
    String traceId = in == null ? null : TraceParent.traceId(in.value());
    // Only a well-formed one is passed on: a malformed header is not copied onto every output.
    trace = traceId == null ? null : in;
    try {
      LogContext.trace(traceId);
      handle(record);
    } finally {
      // The stream thread handles another tenant's record next.
      trace = null;
      LogContext.clear();
    }
  }

  private void handle(Record<String, byte[]> record) {
    RecordMetadata meta = context.recordMetadata().orElseThrow();
    boolean isAction = meta.topic().equals(Topics.AGENT_ACTIONS.name());
    Topic<String, ?> source = isAction ? Topics.AGENT_ACTIONS : Topics.ENRICHED_EVENTS;
    String dlqSink = isAction ? HandoffTopology.ACTIONS_DLQ_SINK : HandoffTopology.EVENTS_DLQ_SINK;
    String sourceId = FailedRecords.inputId(meta.topic(), meta.partition(), meta.offset());
    Instant now = Instant.ofEpochMilli(context.currentSystemTimeMs());
    Optional<FailedRecords.Failure> earlier = failed.of(sourceId);
    if (earlier.isPresent()) {
      settle(record, meta, dlqSink, sourceId, earlier.get(), isAction, now);
      return;
    }
    Conversational value;
    try {
      value = (Conversational) source.valueSerde().deserializer().deserialize(meta.topic(), record.value());
      if (value == null) {
        throw new SerializationException("empty record");
      }
    } catch (SerializationException e) {
      deadLetter(record, meta, dlqSink, sourceId, e.getMessage(), true);
      return;
    }
    LogContext.conversationOf(value);
    String key = value.conversationKey();
    if (!key.equals(record.key())) {
      // Keyed otherwise, it may sit on another partition than its conversation's state.
      String reason = "key " + record.key() + " is not the conversation key " + key;
      deadLetter(record, meta, dlqSink, sourceId, reason, true);
      if (isAction) {
        forwardResult(ActionResults.refused((AgentAction) value, null, reason, now), record.timestamp(), sourceId);
      }
      return;
    }
    ConversationState current = read(key, record.timestamp(), sourceId);
    Outcome outcome;
    try {
      outcome = isAction
          ? engine.onAgentAction(current, (AgentAction) value, now)
          : engine.onEvent(current, (EnrichedEvent) value, now);
    } catch (RuntimeException e) {
      // A bug or a bad value on one record must not stop every conversation: keep the record,
      // with the reason. Nothing of it was written.
      LOG.errorf(e, "failed on %s-%d@%d", meta.topic(), meta.partition(), meta.offset());
      refuse(record, meta, dlqSink, sourceId, "processing failed: " + e, isAction ? (AgentAction) value : null,
          current, now);
      return;
    }
    if (outcome.rejection().isPresent()) {
      if (isAction && !outcome.deadLetter()) {
        // Refused by the rules (a lost claim race, the wrong state): its answer is the record.
        forwardResult(ActionResults.refused((AgentAction) value, current, outcome.rejection().get(), now),
            record.timestamp(), sourceId);
      } else {
        refuse(record, meta, dlqSink, sourceId, outcome.rejection().get(), isAction ? (AgentAction) value : null,
            current, now);
      }
      return;
    }
    // Every action gets its answer, in the same transaction as what it changed.
    AgentActionResult result = isAction ? ActionResults.of((AgentAction) value, current, outcome, now) : null;
    Writes writes;
    try {
      writes = prepare(key, current, outcome, result);
    } catch (Refused e) {
      refuse(record, meta, dlqSink, sourceId, e.getMessage(), isAction ? (AgentAction) value : null, current, now);
      return;
    }
    write(writes, record.timestamp(), sourceId, "processing failed: ");
    if (!isAction) {
      metrics.decided(((EnrichedEvent) value).event().tenantId(), outcome, record.timestamp(),
          context.currentSystemTimeMs());
    }
  }

  /** A record that changes nothing: its dead letter, and for an action its refusal. */
  private void refuse(Record<String, byte[]> record, RecordMetadata meta, String dlqSink, String sourceId,
      String reason, AgentAction action, ConversationState current, Instant now) {
    deadLetter(record, meta, dlqSink, sourceId, reason, true);
    if (action != null) {
      forwardResult(ActionResults.refused(action, current, reason, now), record.timestamp(), sourceId);
    }
  }

  /**
   * The retry of a record whose transaction was aborted: only its dead letter (with the payload
   * the first time, without after that dead letter was refused too) and, for an action, its
   * refusal, which commit with its offset.
   */
  private void settle(Record<String, byte[]> record, RecordMetadata meta, String dlqSink, String sourceId,
      FailedRecords.Failure failure, boolean isAction, Instant now) {
    String reason = failure.reason() + " (its transaction was aborted; dead-lettered on retry"
        + (failure.withPayload() ? ")" : "; payload left out, as the dead letter with it was refused too)");
    deadLetter(record, meta, dlqSink, sourceId, reason, failure.withPayload());
    if (isAction) {
      AgentAction action;
      try {
        action = Topics.AGENT_ACTIONS.valueSerde().deserializer().deserialize(meta.topic(), record.value());
      } catch (SerializationException e) {
        return; // Unreadable: no one to answer.
      }
      if (action != null) {
        forwardResult(ActionResults.refused(action, peek(action.conversationKey()), reason, now), record.timestamp(),
            sourceId);
      }
    }
  }

  private void forwardResult(AgentActionResult result, long timestamp, String sourceId) {
    forward(HandoffTopology.ACTION_RESULTS_SINK, result.conversationKey(),
        serialize(Topics.AGENT_ACTION_RESULTS, result), timestamp, sourceId);
  }

  /**
   * Serializes and sizes everything {@code outcome} writes.
   *
   * @throws Refused if an output cannot be serialized or is over {@link #MAX_OUTPUT_BYTES}
   */
  private Writes prepare(String key, ConversationState before, Outcome outcome, AgentActionResult result) {
    ConversationState after = outcome.state();
    boolean changed = after != before; // The same state: a redelivered event, already handled.
    List<Output> outputs = new ArrayList<>();
    byte[] state = null;
    if (changed) {
      state = after == null ? null : checked(Topics.CONVERSATION_STATE, key, after);
      outputs.add(new Output(HandoffTopology.STATE_SINK, key, state));
      for (ConversationTurn turn : outcome.turns()) {
        outputs.add(new Output(HandoffTopology.TURNS_SINK, key, checked(Topics.CONVERSATION_TURNS, key, turn)));
      }
      if (outcome.handoff().isPresent()) {
        outputs.add(new Output(HandoffTopology.HANDOFF_SINK, key, checked(Topics.HANDOFFS, key, outcome.handoff().get())));
      }
      for (OutboundMessage m : outcome.messages()) {
        outputs.add(new Output(HandoffTopology.OUTBOUND_SINK, key, checked(Topics.OUTBOUND_MESSAGES, key, m)));
      }
    }
    if (result != null) {
      outputs.add(new Output(HandoffTopology.ACTION_RESULTS_SINK, result.conversationKey(),
          checked(Topics.AGENT_ACTION_RESULTS, result.conversationKey(), result)));
    }
    return new Writes(key, before, changed, after, state, outputs);
  }

  private static <V> byte[] checked(Topic<String, V> topic, String key, V value) {
    byte[] bytes;
    try {
      bytes = topic.valueSerde().serializer().serialize(topic.name(), value);
    } catch (RuntimeException e) {
      throw new Refused("output to " + topic.name() + " cannot be serialized: " + e, e);
    }
    long size = (long) key.getBytes(StandardCharsets.UTF_8).length + bytes.length;
    if (size > MAX_OUTPUT_BYTES) {
      throw new Refused("output to " + topic.name() + " refused: " + size + " bytes, over the limit of "
          + MAX_OUTPUT_BYTES, null);
    }
    return bytes;
  }

  /**
   * Writes a prepared step: the state, its deadlines, then the outputs. A failure here is the
   * broker's or the store's (retried as it is) or a bug, which is recorded so that the retry of
   * the aborted transaction dead-letters the source instead.
   */
  private void write(Writes w, long timestamp, String sourceId, String reasonPrefix) {
    try {
      if (w.changed()) {
        if (w.state() == null) {
          conversations.delete(w.key());
        } else {
          conversations.put(w.key(), w.state());
        }
        updateDeadline(w.key(), w.before(), w.after());
      }
      for (Output o : w.outputs()) {
        forward(o.sink(), o.key(), o.value(), timestamp, sourceId);
      }
    } catch (KafkaException e) {
      throw e; // Kafka's or the state store's: not the record's fault.
    } catch (RuntimeException e) {
      failed.failed(sourceId, reasonPrefix + e, e);
      throw e;
    }
  }

  private void forward(String sink, String key, byte[] value, long timestamp, String sourceId) {
    Headers headers = new RecordHeaders();
    if (sourceId != null) {
      headers.add(FailedRecords.SOURCE_HEADER, sourceId.getBytes(StandardCharsets.UTF_8));
    }
    if (trace != null) {
      headers.add(trace);
    }
    context.forward(new Record<>(key, value, timestamp, headers), sink);
  }

  private static <V> byte[] serialize(Topic<String, V> topic, V value) {
    return topic.valueSerde().serializer().serialize(topic.name(), value);
  }

  // ---------------------------------------------------------------- stored state

  private static ConversationState parse(byte[] stored) {
    ConversationState state = Topics.CONVERSATION_STATE.valueSerde().deserializer()
        .deserialize(Topics.CONVERSATION_STATE.name(), stored);
    if (state == null) {
      throw new SerializationException("no value");
    }
    return state;
  }

  /**
   * The stored state of conversation {@code key}, null if there is none. One that cannot be read
   * is moved to the dead-letter topic and removed, so the conversation starts again rather than
   * every record of it failing.
   */
  private ConversationState read(String key, long timestamp, String sourceId) {
    byte[] stored = conversations.get(key);
    if (stored == null) {
      return null;
    }
    try {
      return parse(stored);
    } catch (RuntimeException e) {
      quarantine(key, stored, e, timestamp, sourceId);
      return null;
    }
  }

  /** The stored state of {@code key} if it can be read; changes nothing. */
  private ConversationState peek(String key) {
    byte[] stored = conversations.get(key);
    try {
      return stored == null ? null : parse(stored);
    } catch (RuntimeException e) {
      return null;
    }
  }

  /**
   * A stored state that cannot be read: its bytes go to {@code conversation-state-dlq} with the
   * reason, and it is removed from the store and (by a tombstone) from {@code conversation-state},
   * so that neither a record of the conversation nor the retention sweep meets it again.
   */
  private void quarantine(String key, byte[] stored, RuntimeException error, long timestamp, String sourceId) {
    LOG.errorf("the stored state of a conversation of partition %s cannot be read; moved to %s: %s", context.taskId(),
        Topics.deadLetterOf(Topics.CONVERSATION_STATE).name(), DeadLetters.bounded(error.getMessage()));
    DeadLetter letter = DeadLetters.of(Topics.CONVERSATION_STATE.name(), -1, -1, key, stored,
        "unreadable stored state, removed: " + error.getMessage(), SERVICE);
    forward(HandoffTopology.STATE_DLQ_SINK, letter.key(), LETTERS.serialize(null, letter), timestamp, sourceId);
    conversations.delete(key);
    forward(HandoffTopology.STATE_SINK, key, null, timestamp, sourceId);
  }

  // ---------------------------------------------------------------- deadlines

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
    try {
      for (KeyValue<String, String> entry : due) {
        fireDeadline(entry, wallClockMs, now);
      }
    } finally {
      LogContext.clear();
    }
  }

  private void fireDeadline(KeyValue<String, String> entry, long wallClockMs, Instant now) {
    // Removed first: a deadline whose handling fails is not retried every 100 ms for ever.
    deadlines.delete(entry.key);
    String key = entry.value;
    String sourceId = FailedRecords.deadlineId(entry.key);
    ConversationState current = read(key, wallClockMs, sourceId);
    LogContext.clear();
    LogContext.conversationOf(current);
    Optional<FailedRecords.Failure> earlier = failed.of(sourceId);
    if (earlier.isPresent()) {
      FailedRecords.Failure f = earlier.get();
      deadLetterState(key, f.withPayload() ? current : null, f.reason() + " (its transaction was aborted;"
          + " dead-lettered on retry" + (f.withPayload() ? ")" : "; state left out, as the dead letter with it was"
          + " refused too)"), wallClockMs, sourceId);
      return;
    }
    Writes writes;
    try {
      Outcome outcome = engine.onDeadline(current, now);
      if (outcome.state() == current) {
        return;
      }
      writes = prepare(key, current, outcome, null);
      if (current != null) {
        metrics.decidedOnDeadline(current.tenantId(), outcome);
      }
    } catch (RuntimeException e) {
      LOG.errorf(e, "deadline check failed for a conversation of partition %s", context.taskId());
      deadLetterState(key, current, "deadline check failed: " + (e instanceof Refused ? e.getMessage() : e),
          wallClockMs, sourceId);
      return;
    }
    write(writes, wallClockMs, sourceId, "deadline check failed: ");
  }

  // ---------------------------------------------------------------- retention

  private record Unreadable(String key, byte[] stored, RuntimeException error) {}

  private void removeExpired(long wallClockMs) {
    Instant now = Instant.ofEpochMilli(wallClockMs);
    List<KeyValue<String, ConversationState>> expired = new ArrayList<>();
    List<Unreadable> unreadable = new ArrayList<>();
    // The store holds bytes, so one value that cannot be read is met here as one entry, and the
    // scan goes on to every conversation after it.
    try (KeyValueIterator<String, byte[]> it = conversations.all()) {
      while (it.hasNext()) {
        KeyValue<String, byte[]> kv = it.next();
        ConversationState state;
        try {
          state = parse(kv.value);
        } catch (RuntimeException e) {
          unreadable.add(new Unreadable(kv.key, kv.value, e));
          continue;
        }
        try {
          if (engine.expired(state, now)) {
            expired.add(KeyValue.pair(kv.key, state));
          }
        } catch (RuntimeException e) {
          if (failedInPunctuation.add(kv.key)) {
            deadLetterState(kv.key, state, "retention check failed: " + e, wallClockMs, null);
          }
        }
      }
    }
    for (Unreadable u : unreadable) {
      quarantine(u.key(), u.stored(), u.error(), wallClockMs, null);
    }
    for (KeyValue<String, ConversationState> kv : expired) {
      deadlineKeys(kv.value, kv.key).forEach(deadlines::delete);
      conversations.delete(kv.key);
      // The tombstone lets compaction remove the conversation from conversation-state as well.
      forward(HandoffTopology.STATE_SINK, kv.key, null, wallClockMs, null);
    }
    if (!expired.isEmpty()) {
      LOG.infof("removed %d expired conversation(s)", expired.size());
    }
  }

  // ---------------------------------------------------------------- dead letters

  private void deadLetter(Record<String, byte[]> record, RecordMetadata meta, String sink, String sourceId,
      String reason, boolean withPayload) {
    LOG.warnf("dead-lettering %s-%d@%d: %s", meta.topic(), meta.partition(), meta.offset(), DeadLetters.bounded(reason));
    DeadLetter letter = DeadLetters.of(meta.topic(), meta.partition(), meta.offset(), record.key(),
        withPayload ? record.value() : null, reason, SERVICE);
    forward(sink, letter.key(), LETTERS.serialize(null, letter), record.timestamp(), sourceId);
    metrics.deadLettered(meta.topic(), Topics.deadLetterName(meta.topic()));
  }

  /** A conversation a punctuator could not handle, kept on {@code conversation-state-dlq}. */
  private void deadLetterState(String key, ConversationState state, String reason, long timestamp, String sourceId) {
    byte[] payload = null;
    try {
      payload = state == null ? null : serialize(Topics.CONVERSATION_STATE, state);
    } catch (RuntimeException e) {
      reason = reason + " (state not serializable: " + e.getMessage() + ")";
    }
    DeadLetter letter = DeadLetters.of(Topics.CONVERSATION_STATE.name(), -1, -1, key, payload, reason, SERVICE);
    forward(HandoffTopology.STATE_DLQ_SINK, letter.key(), LETTERS.serialize(null, letter), timestamp, sourceId);
    metrics.deadLettered(Topics.CONVERSATION_STATE.name(), Topics.CONVERSATION_STATE.deadLetterName());
  }
}
