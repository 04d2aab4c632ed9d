package dev.baton.schemas.topic;

import dev.baton.schemas.AgentAction;
import dev.baton.schemas.AgentActionResult;
import dev.baton.schemas.ConversationEvent;
import dev.baton.schemas.ConversationState;
import dev.baton.schemas.ConversationTurn;
import dev.baton.schemas.DeadLetter;
import dev.baton.schemas.DeliveryStatus;
import dev.baton.schemas.EnrichedEvent;
import dev.baton.schemas.HandoffRecord;
import dev.baton.schemas.IntentFeedback;
import dev.baton.schemas.OutboundMessage;
import dev.baton.schemas.serde.JsonSerde;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The registry of Baton's topics. Services name topics only through this class; {@link Names}
 * holds the same names as compile-time constants for annotations (messaging channel names).
 *
 * <pre>
 * intake --conversation-events--> sentiment --sentiment-scored-events--> routing
 *        --enriched-events--> handoff --handoffs--> agent-gateway
 *                                     --outbound-messages--> intake (delivery)
 *                                        intake --delivery-statuses--> agent-gateway
 *                                     --conversation-state (compacted)
 *                                     --conversation-turns (every turn, in order)
 * agent-gateway --agent-actions--> handoff --agent-action-results--> agent-gateway (every instance)
 * agent-gateway --intent-feedback--> routing (training examples)
 * </pre>
 */
public final class Topics {

  /** Topic names as constants, for annotation values. */
  public static final class Names {
    public static final String CONVERSATION_EVENTS = "conversation-events";
    public static final String SENTIMENT_SCORED_EVENTS = "sentiment-scored-events";
    public static final String ENRICHED_EVENTS = "enriched-events";
    public static final String AGENT_ACTIONS = "agent-actions";
    public static final String CONVERSATION_STATE = "conversation-state";
    public static final String HANDOFFS = "handoffs";
    public static final String OUTBOUND_MESSAGES = "outbound-messages";
    public static final String INTENT_FEEDBACK = "intent-feedback";
    public static final String CONVERSATION_TURNS = "conversation-turns";
    public static final String AGENT_ACTION_RESULTS = "agent-action-results";
    public static final String DELIVERY_STATUSES = "delivery-statuses";

    private Names() {}
  }

  /**
   * The largest record any Baton topic takes ({@code max.message.bytes}, and the producers'
   * {@code max.request.size}). The handoff service bounds a conversation's state well below it.
   */
  public static final int MAX_MESSAGE_BYTES = 1_048_576;

  private static final Serde<String> KEY = Serdes.String();

  public static final Topic<String, ConversationEvent> CONVERSATION_EVENTS =
      topic(Names.CONVERSATION_EVENTS, ConversationEvent.class, false);
  public static final Topic<String, EnrichedEvent> SENTIMENT_SCORED_EVENTS =
      topic(Names.SENTIMENT_SCORED_EVENTS, EnrichedEvent.class, false);
  public static final Topic<String, EnrichedEvent> ENRICHED_EVENTS =
      topic(Names.ENRICHED_EVENTS, EnrichedEvent.class, false);
  public static final Topic<String, AgentAction> AGENT_ACTIONS =
      topic(Names.AGENT_ACTIONS, AgentAction.class, false);
  public static final Topic<String, ConversationState> CONVERSATION_STATE =
      topic(Names.CONVERSATION_STATE, ConversationState.class, true);
  public static final Topic<String, HandoffRecord> HANDOFFS =
      topic(Names.HANDOFFS, HandoffRecord.class, false);
  public static final Topic<String, OutboundMessage> OUTBOUND_MESSAGES =
      topic(Names.OUTBOUND_MESSAGES, OutboundMessage.class, false);
  public static final Topic<String, IntentFeedback> INTENT_FEEDBACK =
      topic(Names.INTENT_FEEDBACK, IntentFeedback.class, false);

  /**
   * How long {@code conversation-turns} keeps a turn unless the provisioner is told otherwise
   * ({@code baton.topics.turns-retention}): 90 days. The topic is the transcripts' source of truth
   * and the agent gateway keeps a conversation's turns 30 days after its last one, so a
   * conversation that went on for up to 60 days can still be read in full from the topic for as
   * long as the gateway shows it (the broker's default of 7 days would lose it much sooner).
   */
  public static final Duration DEFAULT_TURNS_RETENTION = Duration.ofDays(90);

  public static final Topic<String, ConversationTurn> CONVERSATION_TURNS =
      new Topic<>(Names.CONVERSATION_TURNS, KEY, new JsonSerde<>(ConversationTurn.class), false,
          DEFAULT_TURNS_RETENTION);

  /** What the handoff service did with each agent action: applied, duplicate or refused. */
  public static final Topic<String, AgentActionResult> AGENT_ACTION_RESULTS =
      topic(Names.AGENT_ACTION_RESULTS, AgentActionResult.class, false);

  /** How far each outbound message got (sent, delivered, read, failed), for the agents' view. */
  public static final Topic<String, DeliveryStatus> DELIVERY_STATUSES =
      topic(Names.DELIVERY_STATUSES, DeliveryStatus.class, false);

  private static final List<Topic<String, ?>> PIPELINE =
      List.of(
          CONVERSATION_EVENTS,
          SENTIMENT_SCORED_EVENTS,
          ENRICHED_EVENTS,
          AGENT_ACTIONS,
          CONVERSATION_STATE,
          HANDOFFS,
          OUTBOUND_MESSAGES,
          INTENT_FEEDBACK,
          CONVERSATION_TURNS,
          AGENT_ACTION_RESULTS,
          DELIVERY_STATUSES);

  private Topics() {}

  /** The dead-letter topic that goes with {@code source}. */
  public static Topic<String, DeadLetter> deadLetterOf(Topic<?, ?> source) {
    return topic(source.deadLetterName(), DeadLetter.class, false);
  }

  /** The dead-letter topic name of the topic called {@code topicName}. */
  public static String deadLetterName(String topicName) {
    return topicName + "-dlq";
  }

  /** Every pipeline topic. */
  public static List<Topic<String, ?>> pipeline() {
    return PIPELINE;
  }

  /** Every topic Baton needs created: the pipeline topics and their dead-letter topics. */
  public static List<Topic<String, ?>> all() {
    return PIPELINE.stream()
        .flatMap(t -> Stream.<Topic<String, ?>>of(t, deadLetterOf(t)))
        .toList();
  }

  private static <V> Topic<String, V> topic(String name, Class<V> type, boolean compacted) {
    return new Topic<>(name, KEY, new JsonSerde<>(type), compacted);
  }
}
