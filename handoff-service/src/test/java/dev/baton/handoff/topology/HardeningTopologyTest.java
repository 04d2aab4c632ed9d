package dev.baton.handoff.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.handoff.engine.StateLimits;
import dev.baton.schemas.AgentAction.Type;
import dev.baton.schemas.Channel;
import dev.baton.schemas.ConversationEvent;
import dev.baton.schemas.ConversationKey;
import dev.baton.schemas.ConversationState;
import dev.baton.schemas.ConversationTurn;
import dev.baton.schemas.DeadLetter;
import dev.baton.schemas.EnrichedEvent;
import dev.baton.schemas.EventType;
import dev.baton.schemas.HandoffReason;
import dev.baton.schemas.HandoffRecord;
import dev.baton.schemas.Intent;
import dev.baton.schemas.OutboundMessage;
import dev.baton.schemas.Owner;
import dev.baton.schemas.ProposedReply;
import dev.baton.schemas.SchemaVersions;
import dev.baton.schemas.Sentiment;
import dev.baton.schemas.Slot;
import dev.baton.schemas.Speaker;
import dev.baton.schemas.topic.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Records that stopped the engine for every tenant before: each test here failed (with an
 * exception out of the topology, or a record over the topics' limit) on the code before the fix.
 */
class HardeningTopologyTest {
  private final TopologyFixture f = new TopologyFixture();

  @AfterEach
  void close() {
    f.close();
  }

  private ConversationEvent event(String tenant, String id, String conversation, EventType type, Channel channel,
      Instant occurredAt, String text) {
    return new ConversationEvent(SchemaVersions.CURRENT, id, type, tenant, conversation, channel, occurredAt,
        null, text, null, Map.of());
  }

  private static EnrichedEvent answered(ConversationEvent e, List<Slot> slots) {
    return new EnrichedEvent(SchemaVersions.CURRENT, e, new Sentiment("neutral", 0, Map.of(), "t"),
        new Intent("opening_hours", 0.95, null, "t"), slots, new ProposedReply("We're open 8 to 6.", "faq:hours"));
  }

  @Test
  void aCallStartedAtAnAbsurdTimeNeitherStopsTheEngineNorEscalatesEarly() {
    f.send(EnrichedEvent.of(event("acme", "ev-far-past", "call-past", EventType.CALL_STARTED, Channel.VOICE,
        Instant.parse("-300000000-01-01T00:00:00Z"), null)));
    f.send(EnrichedEvent.of(event("acme", "ev-far-future", "call-future", EventType.CALL_STARTED, Channel.VOICE,
        Instant.parse("+300000000-01-01T00:00:00Z"), null)));
    f.send(f.faq("chat-1"));

    assertEquals(1, f.outbound.readValuesToList().size(), "the next conversation is still answered");
    ConversationState past = f.state("call-past");
    assertEquals(TopologyFixture.OPEN, past.startedAt(), "an untrusted time reads as the time of processing");
    assertEquals(TopologyFixture.OPEN.plusSeconds(5), past.silenceDeadline());
    assertEquals(TopologyFixture.OPEN.plusSeconds(5), f.state("call-future").silenceDeadline());

    f.driver.advanceWallClockTime(Duration.ofMillis(4900));
    assertTrue(f.handoffs.isEmpty(), "silence counts from the bounded time, not from year -300000000");
    f.driver.advanceWallClockTime(Duration.ofMillis(300));
    List<HandoffRecord> handoffs = f.handoffs.readValuesToList();
    assertEquals(2, handoffs.size());
    assertTrue(handoffs.stream().allMatch(h -> h.reason() == HandoffReason.SILENCE));
  }

  @Test
  void twoTenantsUsingTheSameConversationIdHaveTwoConversations() {
    // acme's customer asks for a person: the conversation waits for an agent.
    f.send(f.say("shared-1", "I want to speak to someone", null, 0, 0.0, null));
    assertEquals(Owner.QUEUED, f.state("acme", "shared-1").owner());
    f.outbound.readValuesToList();

    // The other tenant's customer with the same id is answered by the bot as usual.
    f.send(answered(event("other", "o-1", "shared-1", EventType.CUSTOMER_MESSAGE, Channel.SMS,
        TopologyFixture.OPEN, "opening hours?"), List.of()));

    List<OutboundMessage> replies = f.outbound.readValuesToList();
    assertEquals(1, replies.size());
    assertEquals("other", replies.get(0).tenantId());
    assertEquals(Speaker.BOT, replies.get(0).sender());
    assertTrue(f.eventsDlq.isEmpty(), "nothing dead-lettered as another tenant's");
    assertEquals(Owner.BOT, f.state("other", "shared-1").owner());
    assertEquals(Owner.QUEUED, f.state("acme", "shared-1").owner());
    assertEquals(1, f.handoffs.readValuesToList().size());
  }

  @Test
  void aConversationFullOfEscapedCharactersStaysWithinItsBoundAndLosesNoTurn() {
    String controls = "\u0001".repeat(4000); // 6 bytes each once escaped in JSON
    int messages = 60;
    for (int i = 0; i < messages; i++) {
      f.send(answered(event("acme", "big-" + i, "big", EventType.CUSTOMER_MESSAGE, Channel.WEBCHAT,
          TopologyFixture.OPEN, controls), List.of(new Slot(Slot.SlotType.ORDER_NUMBER, "A" + i))));
    }
    f.send(f.say("big", "I want to speak to someone", null, 0, 0.0, null));

    ConversationState state = f.state("big");
    int stateBytes = Topics.CONVERSATION_STATE.valueSerde().serializer().serialize("t", state).length;
    assertTrue(stateBytes <= StateLimits.DEFAULT_MAX_STATE_BYTES, "state is " + stateBytes + " bytes");
    assertTrue(state.omittedTurns() > 0, "older turns left out of the state");
    assertEquals("I want to speak to someone", state.transcript().stream()
        .filter(t -> t.speaker() == Speaker.CUSTOMER).reduce((a, b) -> b).orElseThrow().text(), "newest kept");

    List<String> orders = state.collectedData().stream().map(Slot::value).toList();
    assertEquals(8, orders.size(), "collected data is bounded per kind");
    assertEquals("A59", orders.get(orders.size() - 1), "the newest value is kept");

    HandoffRecord handoff = f.handoffs.readValue();
    int handoffBytes = Topics.HANDOFFS.valueSerde().serializer().serialize("t", handoff).length;
    assertTrue(handoffBytes < Topics.MAX_MESSAGE_BYTES / 2, "handoff is " + handoffBytes + " bytes");
    assertTrue(handoff.omittedTurns() > 0);

    List<ConversationTurn> turns = f.turns.readValuesToList();
    assertEquals(state.turnCount(), turns.size(), "every turn is on conversation-turns");
    for (int i = 0; i < turns.size(); i++) {
      assertEquals(i, turns.get(i).seq(), "gap-free and in order");
    }
    assertEquals(messages + 1, turns.stream().filter(t -> t.turn().speaker() == Speaker.CUSTOMER).count(),
        "every customer message is in the full transcript");
    f.states.readValuesToList().forEach(s -> assertTrue(
        Topics.CONVERSATION_STATE.valueSerde().serializer().serialize("t", s).length <= StateLimits.DEFAULT_MAX_STATE_BYTES));
  }

  @Test
  void everyTurnOfAConversationIsPublishedOnceInOrder() {
    f.send(f.faq("c"));
    f.send(f.say("c", "I want to speak to someone", null, 0, 0.0, null));
    f.send(f.action("c", Type.CLAIM, "alice", null));
    f.send(f.action("c", Type.REPLY, "alice", "Hello, Alice here"));
    f.send(f.faq("c")); // the customer writes while the agent owns it: a turn, no bot reply

    List<ConversationTurn> turns = f.turns.readValuesToList();
    List<Speaker> speakers = turns.stream().map(t -> t.turn().speaker()).toList();
    assertEquals(List.of(Speaker.CUSTOMER, Speaker.BOT, Speaker.CUSTOMER, Speaker.BOT, Speaker.SYSTEM,
        Speaker.AGENT, Speaker.CUSTOMER), speakers);
    assertEquals(f.state("c").turnCount(), turns.size());
    assertTrue(turns.stream().allMatch(t -> t.conversationKey().equals(TopologyFixture.key("c"))));
  }

  @Test
  void aSilenceCheckThatFailsOnOneConversationDeadLettersItAndTheOthersStillEscalate() {
    // A stored state the engine cannot act on (no channel to send the notice on).
    ConversationState broken = new ConversationState.Builder().tenantId("acme").conversationId("broken")
        .owner(Owner.BOT).callActive(true).silenceDeadline(TopologyFixture.OPEN.plusSeconds(1))
        .startedAt(TopologyFixture.OPEN).updatedAt(TopologyFixture.OPEN).build();
    String key = ConversationKey.of("acme", "broken");
    f.putState(key, broken);
    f.deadlines().put(ConversationProcessor.deadlineKey(broken.silenceDeadline(), key), key);
    f.send(f.callEvent("call-ok", EventType.CALL_STARTED));

    f.driver.advanceWallClockTime(Duration.ofMillis(5200));

    DeadLetter letter = f.stateDlq.readValue();
    assertEquals(key, letter.key());
    assertTrue(letter.reason().startsWith("deadline check failed"), letter.reason());
    assertNotNull(letter.payload(), "the conversation is kept");
    HandoffRecord h = f.handoffs.readValue();
    assertEquals("call-ok", h.conversationId());
    f.driver.advanceWallClockTime(Duration.ofSeconds(1));
    assertTrue(f.stateDlq.isEmpty(), "a failed deadline is not retried for ever");
  }

  @Test
  void aDeadlineKeyIsOrderedAndNeverThrows() {
    assertEquals("000000000000000|k", ConversationProcessor.deadlineKey(Instant.parse("-300000000-01-01T00:00:00Z"), "k"));
    assertEquals("999999999999999|k", ConversationProcessor.deadlineKey(Instant.MAX, "k"));
    assertTrue(ConversationProcessor.deadlineKey(Instant.ofEpochMilli(9), "k")
        .compareTo(ConversationProcessor.deadlineKey(Instant.ofEpochMilli(10), "k")) < 0);
  }

  @Test
  void anUnreadableAgentActionIsDeadLetteredAndTheNextActionApplies() {
    f.send(f.say("c", "I want to speak to someone", null, 0, 0.0, null));
    f.actions.pipeInput(TopologyFixture.key("c"), "{\"type\":\"TELEPORT\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    f.send(f.action("c", Type.CLAIM, "alice", null));

    DeadLetter letter = f.actionsDlq.readValue();
    assertTrue(letter.reason().startsWith("not a valid AgentAction"), letter.reason());
    assertEquals(Owner.AGENT, f.state("c").owner());
  }
}
