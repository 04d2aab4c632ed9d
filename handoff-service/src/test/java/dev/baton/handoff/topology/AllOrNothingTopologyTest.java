package dev.baton.handoff.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.schemas.AgentAction.Type;
import dev.baton.schemas.AgentActionResult;
import dev.baton.schemas.ConversationKey;
import dev.baton.schemas.ConversationState;
import dev.baton.schemas.DeadLetter;
import dev.baton.schemas.EnrichedEvent;
import dev.baton.schemas.EventType;
import dev.baton.schemas.Owner;
import dev.baton.schemas.topic.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A record's writes are all or nothing, and no record, stored state or failed write makes the
 * topology stop or skip another conversation: what cannot be handled goes to a dead-letter topic
 * with the reason, and the next record is processed.
 */
class AllOrNothingTopologyTest {
  private static final String GARBAGE = "{\"tenantId\":\"acme\",\"owner\":";
  private final TopologyFixture f = new TopologyFixture();

  @AfterEach
  void close() {
    f.close();
  }

  private void putRaw(String conversation, String value) {
    f.conversations().put(TopologyFixture.key(conversation), value.getBytes(StandardCharsets.UTF_8));
  }

  private static int jsonBytes(DeadLetter letter) {
    return Topics.deadLetterOf(Topics.ENRICHED_EVENTS).valueSerde().serializer().serialize("t", letter).length;
  }

  @Test
  void theRetentionSweepDeadLettersAnUnreadableStateAndStillExpiresEveryConversationAfterIt() {
    f.send(f.faq("a-old"));
    f.send(f.faq("c-old"));
    // Stored keys sort "acme/a-old" < "acme/b-bad" < "acme/c-old": the bad one sits mid-scan.
    putRaw("b-bad", GARBAGE);
    f.states.readRecordsToList();

    f.driver.advanceWallClockTime(Duration.ofDays(7).plusMinutes(2));

    assertNull(f.state("a-old"));
    assertNull(f.state("c-old"), "the conversation after the unreadable one expires too");
    assertNull(f.conversations().get(TopologyFixture.key("b-bad")), "the unreadable state is removed");
    DeadLetter letter = f.stateDlq.readValue();
    assertEquals(TopologyFixture.key("b-bad"), letter.key());
    assertEquals(GARBAGE, letter.payload(), "kept as it was stored");
    assertEquals("conversation-state", letter.sourceTopic());
    assertTrue(letter.reason().startsWith("unreadable stored state, removed: not a valid ConversationState"),
        letter.reason());
    assertTrue(f.stateDlq.isEmpty());
    Set<String> tombstones = f.states.readRecordsToList().stream().filter(r -> r.value() == null)
        .map(TestRecord::key).collect(Collectors.toSet());
    assertEquals(Set.of(TopologyFixture.key("a-old"), TopologyFixture.key("b-bad"), TopologyFixture.key("c-old")),
        tombstones, "conversation-state loses all three as well");

    f.driver.advanceWallClockTime(Duration.ofMinutes(2));
    assertTrue(f.stateDlq.isEmpty(), "met once, not at every sweep");
  }

  @Test
  void anUnreadableStateMetByAMessageIsDeadLetteredAndTheConversationStartsAgain() {
    putRaw("c", GARBAGE);
    f.send(f.faq("c"));

    DeadLetter letter = f.stateDlq.readValue();
    assertEquals(GARBAGE, letter.payload());
    assertTrue(f.eventsDlq.isEmpty(), "the message itself is handled");
    assertEquals(1, f.outbound.readValuesToList().size(), "and answered");
    ConversationState state = f.state("c");
    assertEquals(Owner.BOT, state.owner());
    assertEquals(2, state.turnCount());
  }

  @Test
  void anOutputOverTheRecordLimitDeadLettersItsInputAndWritesNothingElseOfIt() {
    f.send(f.faq("c"));
    ConversationState before = f.state("c");
    f.outbound.readValuesToList();
    f.turns.readValuesToList();
    f.states.readValuesToList();

    // A message far beyond what the intake accepts, written to enriched-events by someone else:
    // its turn alone is over the record limit (the state leaves it out: it keeps the newest turns
    // that fit), and so is the handoff.
    String huge = "I want to speak to someone " + "x".repeat(ConversationProcessor.MAX_OUTPUT_BYTES);
    f.send(f.say("c", huge, null, 0, 0.0, null));

    DeadLetter letter = f.eventsDlq.readValue();
    assertTrue(letter.reason().startsWith("output to conversation-turns refused: "), letter.reason());
    assertTrue(letter.reason().contains("over the limit of " + ConversationProcessor.MAX_OUTPUT_BYTES), letter.reason());
    assertTrue(letter.reason().contains("payload cut to its first"), letter.reason());
    assertTrue(jsonBytes(letter) <= Topics.MAX_MESSAGE_BYTES - 16 * 1024, "the dead letter itself fits");
    assertEquals(before, f.state("c"), "the state is not changed");
    assertTrue(f.handoffs.isEmpty(), "no handoff");
    assertTrue(f.outbound.isEmpty(), "no handoff notice");
    assertTrue(f.turns.isEmpty(), "no turn");
    assertTrue(f.states.isEmpty(), "no state record");

    f.send(f.say("c", "I want to speak to someone", null, 0, 0.0, null));
    assertEquals(Owner.QUEUED, f.state("c").owner(), "the conversation goes on");
    assertEquals(1, f.handoffs.readValuesToList().size());
  }

  @Test
  void anInputWhoseTransactionWasAbortedIsOnlyDeadLetteredOnItsRetry() {
    f.send(f.faq("c")); // enriched-events offset 0
    ConversationState before = f.state("c");
    f.outbound.readValuesToList();
    f.turns.readValuesToList();
    f.states.readValuesToList();
    // What the production handler records when the broker refuses the handoff of offset 1.
    f.failed.failed(FailedRecords.inputId("enriched-events", 0, 1), "output to handoffs refused: too large",
        new RecordTooLargeException("too large"));

    EnrichedEvent escalation = f.say("c", "I want to speak to someone", null, 0, 0.0, null);
    f.send(escalation); // offset 1, read again after the abort

    DeadLetter letter = f.eventsDlq.readValue();
    assertEquals("output to handoffs refused: too large (its transaction was aborted; dead-lettered on retry)",
        letter.reason());
    assertEquals(1, letter.offset());
    assertEquals(escalation, Topics.ENRICHED_EVENTS.valueSerde().deserializer()
        .deserialize("t", letter.payload().getBytes(StandardCharsets.UTF_8)), "the whole input is kept");
    assertEquals(before, f.state("c"), "nothing of it is written");
    assertTrue(f.handoffs.isEmpty());
    assertTrue(f.outbound.isEmpty());
    assertTrue(f.turns.isEmpty());
    assertTrue(f.states.isEmpty());

    f.send(f.say("c", "I want to speak to someone", null, 0, 0.0, null)); // offset 2
    assertEquals(Owner.QUEUED, f.state("c").owner(), "the next record is processed as usual");
    assertEquals(1, f.handoffs.readValuesToList().size());
  }

  @Test
  void aDeadLetterRefusedTooIsWrittenAgainWithoutThePayload() {
    String input = FailedRecords.inputId("agent-actions", 0, 0);
    f.failed.failed(input, "output to agent-action-results refused: too large", new RecordTooLargeException("a"));
    f.failed.failed(input, "output to agent-actions-dlq refused: too large", new RecordTooLargeException("b"));

    f.send(f.action("c", Type.CLAIM, "alice", null));

    DeadLetter letter = f.actionsDlq.readValue();
    assertNull(letter.payload());
    assertTrue(letter.reason().startsWith("output to agent-action-results refused: too large"), letter.reason());
    assertTrue(letter.reason().contains("payload left out"), letter.reason());
    AgentActionResult result = f.results.readValue();
    assertEquals(AgentActionResult.Outcome.REFUSED, result.outcome(), "the agent still gets an answer");
    assertEquals(letter.reason(), result.reason());
  }

  @Test
  void aDeadlineWhoseTransactionWasAbortedDeadLettersTheConversationOnItsRetry() {
    f.send(f.callEvent("call", EventType.CALL_STARTED));
    ConversationState state = f.state("call");
    String deadline = ConversationProcessor.deadlineKey(state.silenceDeadline(), TopologyFixture.key("call"));
    f.failed.failed(FailedRecords.deadlineId(deadline), "output to handoffs refused: too large",
        new RecordTooLargeException("too large"));

    f.driver.advanceWallClockTime(Duration.ofMillis(5200));

    DeadLetter letter = f.stateDlq.readValue();
    assertEquals(TopologyFixture.key("call"), letter.key());
    assertTrue(letter.reason().endsWith("(its transaction was aborted; dead-lettered on retry)"), letter.reason());
    assertEquals(state, Topics.CONVERSATION_STATE.valueSerde().deserializer()
        .deserialize("t", letter.payload().getBytes(StandardCharsets.UTF_8)));
    assertTrue(f.handoffs.isEmpty());
    assertEquals(state, f.state("call"));
    f.driver.advanceWallClockTime(Duration.ofSeconds(1));
    assertTrue(f.stateDlq.isEmpty(), "the deadline is settled once");
  }

  @Test
  void anEngineExceptionDeadLettersTheRecordAnswersTheAgentAndProcessingContinues() {
    // A stored state the engine cannot act on: no channel to tell the customer who joined.
    String key = ConversationKey.of("acme", "broken");
    f.putState(key, new ConversationState.Builder().tenantId("acme").conversationId("broken").owner(Owner.QUEUED)
        .startedAt(TopologyFixture.OPEN).updatedAt(TopologyFixture.OPEN).build());
    ConversationState before = f.state("broken");

    f.send(f.action("broken", Type.CLAIM, "alice", null));
    f.send(f.faq("fine"));

    DeadLetter letter = f.actionsDlq.readValue();
    assertTrue(letter.reason().startsWith("processing failed: java.lang.NullPointerException"), letter.reason());
    assertTrue(letter.payload().contains("\"CLAIM\""), "the action is kept");
    AgentActionResult result = f.results.readValue();
    assertEquals(AgentActionResult.Outcome.REFUSED, result.outcome());
    assertEquals(Owner.QUEUED, result.owner());
    assertEquals(before, f.state("broken"), "nothing of it is written");
    List<String> answered = f.outbound.readValuesToList().stream().map(m -> m.conversationId()).toList();
    assertEquals(List.of("fine"), answered, "the next record is processed");
  }
}
