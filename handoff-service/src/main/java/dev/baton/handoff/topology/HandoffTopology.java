package dev.baton.handoff.topology;

import dev.baton.handoff.engine.ConversationEngine;
import dev.baton.schemas.topic.Topic;
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
 *                                                 └─> conversation-state-dlq (punctuator failures)
 * </pre>
 *
 * Both inputs are keyed by conversation key ({@code <tenantId>/<conversationId>}) and co-partitioned, so one task sees every event of a
 * conversation in order and owns its state. Values are read as bytes and parsed in the processor
 * so that a poison record is dead-lettered with its reason instead of stopping the stream.
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

  /**
   * @param silenceCheckInterval how often open deadlines (silent calls, waiting notices) are
   *     checked (wall-clock); bounds how late after its deadline a silent call escalates
   * @param retentionCheckInterval how often expired conversation state is deleted
   */
  public static Topology build(
      ConversationEngine engine, Duration silenceCheckInterval, Duration retentionCheckInterval) {
    Topology topology = new Topology();
    topology.addSource(EVENTS_SOURCE, Serdes.String().deserializer(), Serdes.ByteArray().deserializer(),
        Topics.ENRICHED_EVENTS.name());
    topology.addSource(ACTIONS_SOURCE, Serdes.String().deserializer(), Serdes.ByteArray().deserializer(),
        Topics.AGENT_ACTIONS.name());
    topology.addProcessor(PROCESSOR,
        () -> new ConversationProcessor(engine, silenceCheckInterval, retentionCheckInterval),
        EVENTS_SOURCE, ACTIONS_SOURCE);
    topology.addStateStore(
        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(CONVERSATION_STORE),
            Serdes.String(), Topics.CONVERSATION_STATE.valueSerde()),
        PROCESSOR);
    // Key "<deadline epoch ms, zero-padded>|<conversation key>": ordered, so the due deadlines are a
    // range scan from the start instead of a scan of every conversation. It holds the waiting-notice
    // deadlines too; the name stays, as renaming a store renames its changelog and loses what it holds.
    topology.addStateStore(
        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(DEADLINE_STORE),
            Serdes.String(), Serdes.String()),
        PROCESSOR);
    sink(topology, OUTBOUND_SINK, Topics.OUTBOUND_MESSAGES);
    sink(topology, HANDOFF_SINK, Topics.HANDOFFS);
    sink(topology, STATE_SINK, Topics.CONVERSATION_STATE);
    sink(topology, TURNS_SINK, Topics.CONVERSATION_TURNS);
    sink(topology, ACTION_RESULTS_SINK, Topics.AGENT_ACTION_RESULTS);
    sink(topology, STATE_DLQ_SINK, Topics.deadLetterOf(Topics.CONVERSATION_STATE));
    sink(topology, EVENTS_DLQ_SINK, Topics.deadLetterOf(Topics.ENRICHED_EVENTS));
    sink(topology, ACTIONS_DLQ_SINK, Topics.deadLetterOf(Topics.AGENT_ACTIONS));
    return topology;
  }

  private static <V> void sink(Topology topology, String name, Topic<String, V> topic) {
    topology.addSink(name, topic.name(), topic.keySerde().serializer(), topic.valueSerde().serializer(), PROCESSOR);
  }
}
