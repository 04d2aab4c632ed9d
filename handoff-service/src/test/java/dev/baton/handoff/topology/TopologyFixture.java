package dev.baton.handoff.topology;

import dev.baton.handoff.engine.ConversationEngine;
import dev.baton.handoff.streams.DeadLetterExceptionHandler;
import dev.baton.schemas.AgentAction;
import dev.baton.schemas.AgentActionResult;
import dev.baton.schemas.Channel;
import dev.baton.schemas.ConversationEvent;
import dev.baton.schemas.ConversationKey;
import dev.baton.schemas.ConversationTurn;
import dev.baton.schemas.ConversationState;
import dev.baton.schemas.Customer;
import dev.baton.schemas.DeadLetter;
import dev.baton.schemas.EnrichedEvent;
import dev.baton.schemas.EventType;
import dev.baton.schemas.HandoffRecord;
import dev.baton.schemas.Intent;
import dev.baton.schemas.OutboundMessage;
import dev.baton.schemas.ProposedReply;
import dev.baton.schemas.SchemaVersions;
import dev.baton.schemas.Sentiment;
import dev.baton.schemas.Slot;
import dev.baton.schemas.topic.Topic;
import dev.baton.schemas.topic.Topics;
import dev.baton.tenant.TenantDirectory;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;

/** A TopologyTestDriver over the real topology, with one test tenant and typed helpers. */
final class TopologyFixture implements AutoCloseable {
  static final String TENANT = "acme";
  /** Monday 2026-11-23 10:00 UTC: inside acme's business hours. */
  static final Instant OPEN = Instant.parse("2026-11-23T10:00:00Z");

  static final String TENANTS_YAML =
      """
      version: "7"
      tenants:
        - id: acme
          name: Acme Dental
          timezone: UTC
          businessHours: {days: [MON, TUE, WED, THU, FRI], open: "08:00", close: "18:00"}
          webhookSecretEnv: S
          skills: {opening_hours: reception, get_refund: billing, track_order: tracking, default: general}
          escalation:
            sentimentThreshold: -0.6
            angerThreshold: 0.7
            trendWindow: 3
            trendDrop: 0.8
            confidenceThreshold: 0.5
            lowConfidenceStrikes: 2
            maxUnanswered: 2
            silenceTimeout: 5s
            stateRetention: P7D
          templates:
            assistantIntro: "I'm Acme's virtual assistant."
            handoffNotice: A colleague is taking over.
            afterHoursNotice: We're closed; a colleague will answer {opening}.
            missedCallAck: Sorry we missed your call to {name}.
          workspace: {queueNoticeAfter: 2m}
          agents:
            - {id: alice, name: Alice, tokenEnv: T}
            - {id: erin, name: Erin, tokenEnv: T, skills: [billing]}
            - {id: sam, name: Sam, tokenEnv: T, role: supervisor}
        - id: other
          webhookSecretEnv: S
        - id: strict
          webhookSecretEnv: S
          escalation:
            keywords: [refund]
            lowConfidenceStrikes: 1
            silenceTimeout: 2s
      """;

  final TopologyTestDriver driver;
  final TestInputTopic<String, byte[]> events;
  final TestInputTopic<String, byte[]> actions;
  final TestOutputTopic<String, OutboundMessage> outbound;
  final TestOutputTopic<String, HandoffRecord> handoffs;
  final TestOutputTopic<String, ConversationState> states;
  final TestOutputTopic<String, DeadLetter> eventsDlq;
  final TestOutputTopic<String, DeadLetter> actionsDlq;
  final TestOutputTopic<String, DeadLetter> stateDlq;
  final TestOutputTopic<String, ConversationTurn> turns;
  final TestOutputTopic<String, AgentActionResult> results;
  /** Shared by the topology and the exception handlers, as in the service. */
  final FailedRecords failed = new FailedRecords();
  private int seq;

  TopologyFixture() {
    this(OPEN);
  }

  /** Events say they happened when the driver's wall clock started. */
  private final Instant eventTime;

  TopologyFixture(Instant wallClockStart) {
    eventTime = wallClockStart;
    TenantDirectory tenants = TenantDirectory.parse(
        new ByteArrayInputStream(TENANTS_YAML.getBytes(StandardCharsets.UTF_8)), "test", Map.of("S", "s", "T", "t")::get);
    var topology = HandoffTopology.build(new ConversationEngine(tenants), Duration.ofMillis(100), Duration.ofMinutes(1),
        failed);
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "handoff-test");
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    props.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterExceptionHandler.class);
    props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterExceptionHandler.class);
    props.put(FailedRecords.CONFIG, failed);
    props.put(StreamsConfig.STATE_DIR_CONFIG, System.getProperty("java.io.tmpdir") + "/handoff-ttd-" + System.nanoTime());
    driver = new TopologyTestDriver(topology, props, wallClockStart);
    events = driver.createInputTopic(Topics.ENRICHED_EVENTS.name(), Serdes.String().serializer(), Serdes.ByteArray().serializer());
    actions = driver.createInputTopic(Topics.AGENT_ACTIONS.name(), Serdes.String().serializer(), Serdes.ByteArray().serializer());
    outbound = output(Topics.OUTBOUND_MESSAGES);
    handoffs = output(Topics.HANDOFFS);
    states = output(Topics.CONVERSATION_STATE);
    eventsDlq = output(Topics.deadLetterOf(Topics.ENRICHED_EVENTS));
    actionsDlq = output(Topics.deadLetterOf(Topics.AGENT_ACTIONS));
    stateDlq = output(Topics.deadLetterOf(Topics.CONVERSATION_STATE));
    turns = output(Topics.CONVERSATION_TURNS);
    results = output(Topics.AGENT_ACTION_RESULTS);
  }

  private <V> TestOutputTopic<String, V> output(Topic<String, V> topic) {
    return driver.createOutputTopic(topic.name(), topic.keySerde().deserializer(), topic.valueSerde().deserializer());
  }

  Instant now() {
    return OPEN; // Only for building events; the driver's wall clock is what the topology reads.
  }

  // ---- building events

  ConversationEvent event(String id, String conversation, EventType type, Channel channel, String text) {
    return event(TENANT, id, conversation, type, channel, text);
  }

  ConversationEvent event(String tenant, String id, String conversation, EventType type, Channel channel,
      String text) {
    return new ConversationEvent(SchemaVersions.CURRENT, id, type, tenant, conversation, channel, eventTime,
        new Customer("cust-1", "Ana", "+447700900123", null), text, null, Map.of());
  }

  /** A customer message as the routing service would enrich it. */
  EnrichedEvent say(String conversation, String text, String intent, double confidence, double sentiment,
      String faqAnswer) {
    return say(conversation, text, intent, confidence, new Sentiment(label(sentiment), sentiment, Map.of(), "test"), faqAnswer);
  }

  EnrichedEvent say(String conversation, String text, String intent, double confidence, Sentiment sentiment,
      String faqAnswer) {
    ConversationEvent e = event("ev-" + (++seq), conversation, EventType.CUSTOMER_MESSAGE, Channel.WHATSAPP, text);
    return new EnrichedEvent(SchemaVersions.CURRENT, e, sentiment,
        intent == null ? null : new Intent(intent, confidence, null, "test"), List.<Slot>of(),
        faqAnswer == null ? null : new ProposedReply(faqAnswer, "faq:" + intent));
  }

  EnrichedEvent faq(String conversation) {
    return say(conversation, "What are your opening hours?", "opening_hours", 0.95, 0.0, "We're open 8 to 6.");
  }

  private static String label(double s) {
    return s < -0.25 ? "negative" : s > 0.25 ? "positive" : "neutral";
  }

  EnrichedEvent callEvent(String conversation, EventType type) {
    return EnrichedEvent.of(event("ev-" + (++seq), conversation, type, Channel.VOICE, null));
  }

  EnrichedEvent speech(String conversation, String text, String intent, double confidence, String answer) {
    ConversationEvent e = event("ev-" + (++seq), conversation, EventType.SPEECH_SEGMENT, Channel.VOICE, text);
    return new EnrichedEvent(SchemaVersions.CURRENT, e, new Sentiment("neutral", 0, Map.of(), "test"),
        new Intent(intent, confidence, null, "test"), List.of(), answer == null ? null : new ProposedReply(answer, "faq:" + intent));
  }

  AgentAction action(String conversation, AgentAction.Type type, String agent, String text) {
    return new AgentAction(SchemaVersions.CURRENT, "act-" + (++seq), type, TENANT, conversation, agent, text, eventTime);
  }

  AgentAction transfer(String conversation, String agent, String targetAgent, String targetSkill) {
    return new AgentAction(SchemaVersions.CURRENT, "act-" + (++seq), AgentAction.Type.TRANSFER, TENANT, conversation,
        agent, null, eventTime, targetAgent, targetSkill, null, null);
  }

  AgentAction resolve(String conversation, String agent, String code) {
    return new AgentAction(SchemaVersions.CURRENT, "act-" + (++seq), AgentAction.Type.RESOLVE, TENANT, conversation,
        agent, null, eventTime, null, null, code, null);
  }

  /** A queue status as the gateway reports it, from {@link AgentAction#SYSTEM_AGENT}. */
  AgentAction queueStatus(String conversation, int position, Integer waitSeconds, int agentsAvailable) {
    return new AgentAction(SchemaVersions.CURRENT, "status-" + (++seq), AgentAction.Type.QUEUE_STATUS, TENANT,
        conversation, AgentAction.SYSTEM_AGENT, null, eventTime, null, null, null,
        new AgentAction.QueueStatus(position, waitSeconds, agentsAvailable));
  }

  // ---- sending

  void send(EnrichedEvent e) {
    events.pipeInput(e.conversationKey(), Topics.ENRICHED_EVENTS.valueSerde().serializer().serialize("x", e));
  }

  void send(AgentAction a) {
    actions.pipeInput(a.conversationKey(), Topics.AGENT_ACTIONS.valueSerde().serializer().serialize("x", a));
  }

  /** The state of one of acme's conversations. */
  ConversationState state(String conversation) {
    return state(TENANT, conversation);
  }

  ConversationState state(String tenant, String conversation) {
    byte[] stored = conversations().get(ConversationKey.of(tenant, conversation));
    return stored == null ? null
        : Topics.CONVERSATION_STATE.valueSerde().deserializer().deserialize(Topics.CONVERSATION_STATE.name(), stored);
  }

  /** The conversation store, holding each state as its conversation-state record's bytes. */
  KeyValueStore<String, byte[]> conversations() {
    return driver.getKeyValueStore(HandoffTopology.CONVERSATION_STORE);
  }

  void putState(String key, ConversationState state) {
    conversations().put(key, Topics.CONVERSATION_STATE.valueSerde().serializer().serialize(Topics.CONVERSATION_STATE.name(), state));
  }

  /** The record key of one of acme's conversations. */
  static String key(String conversation) {
    return ConversationKey.of(TENANT, conversation);
  }

  KeyValueStore<String, String> deadlines() {
    return driver.getKeyValueStore(HandoffTopology.DEADLINE_STORE);
  }

  @Override
  public void close() {
    driver.close();
  }
}
