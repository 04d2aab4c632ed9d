package dev.baton.handoff.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.schemas.AgentAction;
import dev.baton.schemas.AgentAction.Type;
import dev.baton.schemas.AgentActionResult;
import dev.baton.schemas.AgentActionResult.Outcome;
import dev.baton.schemas.ConversationTurn;
import dev.baton.schemas.Owner;
import dev.baton.schemas.SchemaVersions;
import dev.baton.schemas.Speaker;
import dev.baton.schemas.Turn;
import java.util.List;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every agent action gets exactly one {@code agent-action-results} record: applied, duplicate or refused. */
class AgentActionResultsTest {
  private static final String C = "conv-1";
  private final TopologyFixture f = new TopologyFixture();

  @BeforeEach
  void queueAConversation() {
    f.send(f.faq(C));
    f.send(f.say(C, "speak to a human please", null, 0, 0.0, null));
    f.outbound.readValuesToList();
    f.handoffs.readValuesToList();
    assertEquals(Owner.QUEUED, f.state(C).owner());
  }

  @AfterEach
  void close() {
    f.close();
  }

  private AgentActionResult onlyResult() {
    List<TestRecord<String, AgentActionResult>> all = f.results.readRecordsToList();
    assertEquals(1, all.size(), "results: " + all);
    TestRecord<String, AgentActionResult> r = all.get(0);
    assertEquals(r.value().conversationKey(), r.key(), "keyed by the conversation key");
    return r.value();
  }

  @Test
  void anAppliedClaimNamesTheNewOwner() {
    AgentAction claim = f.action(C, Type.CLAIM, "alice", null);
    f.send(claim);

    AgentActionResult r = onlyResult();
    assertEquals(claim.actionId(), r.actionId());
    assertEquals(Outcome.APPLIED, r.outcome());
    assertEquals(Type.CLAIM, r.type());
    assertEquals("alice", r.agentId());
    assertEquals(Owner.AGENT, r.owner());
    assertEquals("alice", r.ownerAgentId());
    assertNull(r.reason());
    assertEquals(SchemaVersions.CURRENT, r.schemaVersion());
    assertTrue(f.actionsDlq.isEmpty());
  }

  @Test
  void aSecondAgentsClaimIsRefusedNamingTheOwnerAndIsNoDeadLetter() {
    f.send(f.action(C, Type.CLAIM, "alice", null));
    f.results.readValuesToList();

    AgentAction bobs = f.action(C, Type.CLAIM, "bob", null);
    f.send(bobs);

    AgentActionResult r = onlyResult();
    assertEquals(bobs.actionId(), r.actionId());
    assertEquals(Outcome.REFUSED, r.outcome());
    assertEquals("bob", r.agentId());
    assertEquals(Owner.AGENT, r.owner());
    assertEquals("alice", r.ownerAgentId());
    assertTrue(r.reason().contains("owned by alice"), r.reason());
    assertTrue(f.actionsDlq.isEmpty(), "a lost claim race is answered, not dead-lettered");
    assertEquals("alice", f.state(C).agentId());
  }

  @Test
  void theSameActionTwiceIsADuplicateAndChangesNothingMore() {
    AgentAction claim = f.action(C, Type.CLAIM, "alice", null);
    f.send(claim);
    assertEquals(Outcome.APPLIED, onlyResult().outcome());
    int joined = f.outbound.readValuesToList().size();
    assertEquals(1, joined);

    f.send(claim);

    AgentActionResult r = onlyResult();
    assertEquals(Outcome.DUPLICATE, r.outcome());
    assertEquals(claim.actionId(), r.actionId());
    assertEquals("alice", r.ownerAgentId());
    assertTrue(f.outbound.isEmpty(), "no second joined message");
    assertTrue(f.actionsDlq.isEmpty());
  }

  @Test
  void aReplyByANonOwnerIsRefused() {
    f.send(f.action(C, Type.CLAIM, "alice", null));
    f.results.readValuesToList();
    f.outbound.readValuesToList();

    f.send(f.action(C, Type.REPLY, "mallory", "hijack"));

    AgentActionResult r = onlyResult();
    assertEquals(Outcome.REFUSED, r.outcome());
    assertEquals(Type.REPLY, r.type());
    assertEquals("alice", r.ownerAgentId());
    assertTrue(r.reason().startsWith("cannot reply"), r.reason());
    assertTrue(f.outbound.isEmpty());
    assertTrue(f.actionsDlq.isEmpty());
  }

  @Test
  void aReplyOnAQueuedConversationIsRefusedForItsState() {
    f.send(f.action(C, Type.REPLY, "alice", "too early"));

    AgentActionResult r = onlyResult();
    assertEquals(Outcome.REFUSED, r.outcome());
    assertEquals(Owner.QUEUED, r.owner());
    assertNull(r.ownerAgentId());
  }

  @Test
  void anActionOnAnUnknownConversationIsRefusedWithoutAnOwner() {
    f.send(f.action("no-such-conversation", Type.CLAIM, "alice", null));

    AgentActionResult r = onlyResult();
    assertEquals(Outcome.REFUSED, r.outcome());
    assertEquals("no-such-conversation", r.conversationId());
    assertNull(r.owner());
    assertNull(r.ownerAgentId());
    assertTrue(r.reason().contains("no conversation"), r.reason());
    assertTrue(f.actionsDlq.isEmpty(), "a conversation gone (or never known) is answered, not dead-lettered");
  }

  @Test
  void fiftyAgentsClaimingAtOnceGiveExactlyOneOwner() {
    // The engine does not look agents up in the tenants file: any agent id may claim.
    for (int i = 0; i < 50; i++) {
      f.send(f.action(C, Type.CLAIM, "agent-" + i, null));
    }

    List<AgentActionResult> results = f.results.readValuesToList();
    assertEquals(50, results.size());
    List<AgentActionResult> applied = results.stream().filter(r -> r.outcome() == Outcome.APPLIED).toList();
    assertEquals(1, applied.size(), applied.toString());
    String winner = applied.get(0).agentId();
    assertEquals("agent-0", winner, "processed in order on the conversation's partition");
    assertTrue(results.stream().filter(r -> r != applied.get(0))
        .allMatch(r -> r.outcome() == Outcome.REFUSED && winner.equals(r.ownerAgentId())));
    assertEquals(winner, f.state(C).agentId());
    assertTrue(f.actionsDlq.isEmpty());
  }

  @Test
  void anActionKeyedOtherwiseIsRefusedAndAnsweredUnderItsConversationKey() {
    AgentAction claim = f.action(C, Type.CLAIM, "alice", null);
    f.actions.pipeInput("wrong-key", dev.baton.schemas.topic.Topics.AGENT_ACTIONS.valueSerde().serializer().serialize("x", claim));

    AgentActionResult r = onlyResult();
    assertEquals(Outcome.REFUSED, r.outcome());
    assertTrue(r.reason().contains("is not the conversation key"), r.reason());
    assertTrue(f.actionsDlq.readValue().reason().contains("is not the conversation key"), "a producer's bug: kept");
    assertEquals(Owner.QUEUED, f.state(C).owner(), "not applied");
  }

  @Test
  void aPoisonActionIsDeadLetteredWithoutAResult() {
    f.actions.pipeInput(TopologyFixture.key(C), "{not json".getBytes(java.nio.charset.StandardCharsets.UTF_8));

    assertEquals(1, f.actionsDlq.readValuesToList().size());
    assertTrue(f.results.isEmpty(), "no action id to answer");
  }

  @Test
  void aNoteIsATurnForAgentsAndNeverAnOutboundMessage() {
    f.send(f.action(C, Type.CLAIM, "alice", null));
    f.results.readValuesToList();
    f.outbound.readValuesToList();
    f.turns.readValuesToList();

    f.send(f.action(C, Type.NOTE, "alice", "asked for the invoice twice"));
    f.send(f.action(C, Type.NOTE, "sam", "VIP customer"));
    f.send(f.action(C, Type.NOTE, "erin", "not mine"));

    List<AgentActionResult> results = f.results.readValuesToList();
    assertEquals(List.of(Outcome.APPLIED, Outcome.APPLIED, Outcome.REFUSED),
        results.stream().map(AgentActionResult::outcome).toList());
    assertTrue(results.get(2).reason().contains("owned by alice"), results.get(2).reason());
    assertTrue(f.outbound.isEmpty(), "a note never reaches the customer");
    List<Turn> notes = f.turns.readValuesToList().stream().map(ConversationTurn::turn).toList();
    assertEquals(List.of("alice", "sam"), notes.stream().map(Turn::agentId).toList());
    assertTrue(notes.stream().allMatch(t -> t.speaker() == Speaker.NOTE));
  }

  @Test
  void aTransferSaysTheQueueAndAResolveItsCode() {
    f.send(f.action(C, Type.CLAIM, "alice", null));
    f.results.readValuesToList();

    f.send(f.transfer(C, "alice", null, "billing"));
    AgentActionResult transferred = onlyResult();
    assertEquals(Outcome.APPLIED, transferred.outcome());
    assertEquals(Owner.QUEUED, transferred.owner());
    assertEquals("billing", transferred.skill());

    f.send(f.resolve(C, "sam", "not-a-code"));
    AgentActionResult refused = onlyResult();
    assertEquals(Outcome.REFUSED, refused.outcome());
    assertTrue(refused.reason().contains("unknown resolution code not-a-code"), refused.reason());
    assertNull(refused.resolutionCode());

    f.send(f.resolve(C, "sam", null));
    AgentActionResult resolved = onlyResult();
    assertEquals(Outcome.APPLIED, resolved.outcome());
    assertEquals(Owner.RESOLVED, resolved.owner());
    assertEquals("solved", resolved.resolutionCode(), "the tenant's first code");
  }

  @Test
  void aTransferToAnUnknownAgentAndAQueueStatusFromAnAgentAreRefused() {
    f.send(f.transfer(C, "sam", "nobody", null));
    AgentActionResult transfer = onlyResult();
    assertEquals(Outcome.REFUSED, transfer.outcome());
    assertTrue(transfer.reason().contains("nobody is not an agent of acme"), transfer.reason());

    f.send(new AgentAction(SchemaVersions.CURRENT, "fake-status", Type.QUEUE_STATUS, TopologyFixture.TENANT, C,
        "alice", null, TopologyFixture.OPEN, null, null, null, new AgentAction.QueueStatus(1, 10, 1)));
    AgentActionResult status = onlyResult();
    assertEquals(Outcome.REFUSED, status.outcome());
    assertNull(f.state(C).queueStatus());
    assertTrue(f.actionsDlq.isEmpty());
  }

  @Test
  void eventsGetNoResults() {
    f.send(f.faq(C));
    assertTrue(f.results.isEmpty());
  }
}
