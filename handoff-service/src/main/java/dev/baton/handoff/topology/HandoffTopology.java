package dev.baton.handoff.topology;

import dev.baton.handoff.engine.ConversationEngine;
import dev.baton.schemas.topic.Topics;
import java.time.Duration;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * The handoff topology, as a pure function of the engine: no config, no lifecycle.
 *
 * <pre>
 * enriched-events ─┐                              ┌─> outbound-messages
 *                  ├─> conversation-processor ────┼─> handoffs
 * agent-actions ───┘   [conversation-store]       ├─> conversation-state (compacted)
 *                      [silence-deadline-store]   ├─> conversation-turns (every turn)
 *                                                 ├─> agent-action-results (one per agent action)
 *                                                 ├─> enriched-events-dlq
 *                                                 ├─> agent-actions-dlq
 *                                                 └─> conversation-state-dlq (unreadable or unhandled states)
 * </pre>
 *
 * Both inputs are keyed by conversation key ({@code <tenantId>/<conversationId>}) and co-partitioned, so one task sees every event of a
 * conversation in order and owns its state. Values are read as bytes and parsed in the processor
 * so that a poison record is dead-lettered with its reason instead of stopping the stream; they
 * are written as bytes the processor serialized and sized, so that a record's outputs are all or
 * nothing.
 */
public final class HandoffTopology {
  public static final String APPLICATION_ID = "baton-handoff";
  public static final String CONVERSATION_STORE = "conversation-store";
  public static final String DEADLINE_STORE = "silence-deadline-store";

  static final String EVENTS_SOURCE = "enriched-events-source";
  static final String ACTIONS_SOURCE = "agent-actions-source";
  static final String PROCESSOR = "conversation-processor";
  static final String OUTBOUND_SINK = "outbound-messages-sink";
  static final String HANDOFF_SINK = "handoffs-sink";
  static final String STATE_SINK = "conversation-state-sink";
  static final String TURNS_SINK = "conversation-turns-sink";
  static final String ACTION_RESULTS_SINK = "agent-action-results-sink";
  static final String STATE_DLQ_SINK = "conversation-state-dlq-sink";
  static final String EVENTS_DLQ_SINK = "enriched-events-dlq-sink";
  static final String ACTIONS_DLQ_SINK = "agent-actions-dlq-sink";

  private HandoffTopology() {}

  /** {@link #build(ConversationEngine, Duration, Duration, FailedRecords)} with failures of its own. */
  public static Topology build(
      ConversationEngine engine, Duration silenceCheckInterval, Duration retentionCheckInterval) {
    return build(engine, silenceCheckInterval, retentionCheckInterval, new FailedRecords());
  }

  /**
   * @param silenceCheckInterval how often open deadlines (silent calls, waiting notices) are
   *     checked (wall-clock); bounds how late after its deadline a silent call escalates
   * @param retentionCheckInterval how often expired conversation state is deleted
   * @param failed what made a transaction abort, shared with the exception handlers (the same
   *     instance under {@link FailedRecords#CONFIG} in the streams config)
   */
  public static Topology build(ConversationEngine engine, Duration silenceCheckInterval,
      Duration retentionCheckInterval, FailedRecords failed) {
    return build(engine, silenceCheckInterval, retentionCheckInterval, failed, DecisionMetrics.NONE);
  }

  /** {@link #build(ConversationEngine, Duration, Duration, FailedRecords)}, reporting to {@code metrics}. */
  public static Topology build(ConversationEngine engine, Duration silenceCheckInterval,
      Duration retentionCheckInterval, FailedRecords failed, DecisionMetrics metrics) {
    Topology topology = new Topology();
    topology.addSource(EVENTS_SOURCE, Serdes.String().deserializer(), Serdes.ByteArray().deserializer(),
        Topics.ENRICHED_EVENTS.name());
    topology.addSource(ACTIONS_SOURCE, Serdes.String().deserializer(), Serdes.ByteArray().deserializer(),
        Topics.AGENT_ACTIONS.name());
    topology.addProcessor(PROCESSOR,
        () -> new ConversationProcessor(engine, silenceCheckInterval, retentionCheckInterval, failed, metrics),
        EVENTS_SOURCE, ACTIONS_SOURCE);
    // The state is kept as the bytes of its conversation-state record (the processor reads and
    // writes it): the changelog holds the same JSON as before, and a value that cannot be read
    // is met as bytes the processor can dead-letter rather than an exception out of the store.
    topology.addStateStore(
        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(CONVERSATION_STORE),
            Serdes.String(), Serdes.ByteArray()),
        PROCESSOR);
    // Key "<deadline epoch ms, zero-padded>|<conversation key>": ordered, so the due deadlines are a
    // range scan from the start instead of a scan of every conversation. It holds the waiting-notice
    // deadlines too; the name stays, as renaming a store renames its changelog and loses what it holds.
    topology.addStateStore(
        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(DEADLINE_STORE),
            Serdes.String(), Serdes.String()),
        PROCESSOR);
    sink(topology, OUTBOUND_SINK, Topics.OUTBOUND_MESSAGES.name());
    sink(topology, HANDOFF_SINK, Topics.HANDOFFS.name());
    sink(topology, STATE_SINK, Topics.CONVERSATION_STATE.name());
    sink(topology, TURNS_SINK, Topics.CONVERSATION_TURNS.name());
    sink(topology, ACTION_RESULTS_SINK, Topics.AGENT_ACTION_RESULTS.name());
    sink(topology, STATE_DLQ_SINK, Topics.deadLetterOf(Topics.CONVERSATION_STATE).name());
    sink(topology, EVENTS_DLQ_SINK, Topics.deadLetterOf(Topics.ENRICHED_EVENTS).name());
    sink(topology, ACTIONS_DLQ_SINK, Topics.deadLetterOf(Topics.AGENT_ACTIONS).name());
    return topology;
  }

  /**
   * Values arrive serialized, each with its own topic's serde: the processor checks the size of
   * the very bytes that are sent before it writes anything (see {@link ConversationProcessor}).
   */
  private static void sink(Topology topology, String name, String topic) {
    topology.addSink(name, topic, Serdes.String().serializer(), Serdes.ByteArray().serializer(), PROCESSOR);
  }
}
