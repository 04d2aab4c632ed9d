package dev.baton.handoff.engine;

import static dev.baton.handoff.engine.EngineFixture.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.schemas.AgentAction;
import dev.baton.schemas.AgentAction.QueueStatus;
import dev.baton.schemas.AgentAction.Type;
import dev.baton.schemas.AgentActionResult;
import dev.baton.schemas.ConversationState;
import dev.baton.schemas.EnrichedEvent;
import dev.baton.schemas.OutboundMessage;
import dev.baton.schemas.Owner;
import dev.baton.schemas.Speaker;
import dev.baton.schemas.Turn;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The agent actions on the pure engine: who may do what to a conversation in which state. */
class AgentActionsTest {
  private final EngineFixture f = new EngineFixture();
  private final ConversationEngine engine = f.engine;

  private ConversationState queued() {
    return f.queued();
  }

  private ConversationState ownedBy(String agent) {
    return f.ownedBy(agent);
  }

  private EnrichedEvent says(String text, String intent, double confidence) {
    return f.says(text, intent, confidence);
  }

  private AgentAction action(Type type, String agent) {
    return f.action(type, agent);
  }

  private AgentAction action(Type type, String agent, String text, String targetAgent, String targetSkill, String code,
      QueueStatus status) {
    return f.action(type, agent, text, targetAgent, targetSkill, code, status);
  }

  private Outcome act(ConversationState s, AgentAction a) {
    return f.act(s, a);
  }

  private static Turn lastTurn(Outcome o) {
    return EngineFixture.lastTurn(o);
  }

  static void assertRefused(Outcome o, String reasonPart) {
    assertTrue(o.rejection().isPresent(), "not refused: " + o.state());
    assertTrue(o.rejection().get().contains(reasonPart), o.rejection().get());
    assertTrue(o.messages().isEmpty());
    assertTrue(o.turns().isEmpty());
  }

  @Test
  void theEscalationKeepsTheHandoffsSkillInTheState() {
    Outcome o = engine.onEvent(null, says("I want a refund", "get_refund", 0.9), T0);

    assertEquals("billing", o.handoff().orElseThrow().skill());
    assertEquals("billing", o.state().skill());
    assertEquals(T0.plus(Duration.ofMinutes(2)), o.state().queueNoticeAt(), "first waiting notice a period away");
  }

  @Nested
  class Notes {
    @Test
    void theOwnerAddsANoteTurnThatIsNeverSent() {
      Outcome o = act(ownedBy("dan"), action(Type.NOTE, "dan", "customer is a dentist", null, null, null, null));

      assertTrue(o.rejection().isEmpty());
      assertTrue(o.messages().isEmpty(), "a note is never an outbound message");
      Turn note = lastTurn(o);
      assertEquals(Speaker.NOTE, note.speaker());
      assertEquals("dan", note.agentId());
      assertEquals("customer is a dentist", note.text());
      assertEquals(List.of(Speaker.NOTE), o.turns().stream().map(t -> t.turn().speaker()).toList());
    }

    @Test
    void aSupervisorNotesAnyConversation() {
      Outcome onQueued = act(queued(), action(Type.NOTE, "sam", "VIP, take it quickly", null, null, null, null));
      Outcome onOwned = act(ownedBy("dan"), action(Type.NOTE, "sam", "check the invoice", null, null, null, null));

      assertEquals(Speaker.NOTE, lastTurn(onQueued).speaker());
      assertEquals("sam", lastTurn(onOwned).agentId());
      assertTrue(onQueued.messages().isEmpty() && onOwned.messages().isEmpty());
    }

    @Test
    void anotherAgentsNoteAndANoteWithoutTextAreRefused() {
      assertRefused(act(ownedBy("dan"), action(Type.NOTE, "erin", "mine now", null, null, null, null)), "owned by dan");
      assertRefused(act(ownedBy("dan"), action(Type.NOTE, "dan", "  ", null, null, null, null)), "note without text");
    }
  }

  @Nested
  class Transfers {
    @Test
    void theOwnerTransfersToAnotherAgentWhoIsIntroducedToTheCustomer() {
      Outcome o = act(ownedBy("dan"), action(Type.TRANSFER, "dan", null, "erin", null, null, null));

      assertEquals(Owner.AGENT, o.state().owner());
      assertEquals("erin", o.state().agentId());
      assertTrue(o.state().transcript().stream()
          .anyMatch(t -> t.speaker() == Speaker.SYSTEM && t.text().equals("transferred to erin by dan")));
      OutboundMessage joined = o.messages().get(0);
      assertEquals(1, o.messages().size());
      assertTrue(joined.text().contains("Erin"), joined.text());
      assertEquals("billing", o.state().skill(), "a transfer to a person keeps the queue");
    }

    @Test
    void theOwnerTransfersToAQueueAndTheConversationWaitsAgain() {
      Outcome o = act(ownedBy("dan"), action(Type.TRANSFER, "dan", null, null, "vip-desk", null, null));

      assertEquals(Owner.QUEUED, o.state().owner());
      assertNull(o.state().agentId());
      assertEquals("vip-desk", o.state().skill());
      assertEquals("transferred to queue vip-desk by dan", lastTurn(o).text());
      assertEquals(Speaker.SYSTEM, lastTurn(o).speaker());
      assertTrue(o.messages().isEmpty());
      assertEquals(T0.plusSeconds(30).plus(Duration.ofMinutes(2)), o.state().queueNoticeAt(),
          "the waiting clock starts again");
    }

    @Test
    void aSupervisorTransfersAnotherAgentsConversationAndTheSystemAQueuedOne() {
      Outcome bySupervisor = act(ownedBy("dan"), action(Type.TRANSFER, "sam", null, "erin", null, null, null));
      Outcome bySystem = act(queued(), action(Type.TRANSFER, AgentAction.SYSTEM_AGENT, null, "dan", null, null, null));

      assertEquals("erin", bySupervisor.state().agentId());
      assertTrue(bySupervisor.state().transcript().stream().anyMatch(t -> t.text().equals("transferred to erin by sam")));
      assertEquals("dan", bySystem.state().agentId());
      assertNull(bySystem.state().queueNoticeAt(), "no waiting notices once an agent has it");
    }

    @Test
    void anOrdinaryAgentCannotTransferSomeoneElsesOrAQueuedConversation() {
      assertRefused(act(ownedBy("dan"), action(Type.TRANSFER, "erin", null, "erin", null, null, null)), "owned by dan");
      assertRefused(act(queued(), action(Type.TRANSFER, "dan", null, "erin", null, null, null)), "claim it first");
    }

    @Test
    void anUnknownTargetBothTargetsOrNoneAreRefused() {
      ConversationState s = ownedBy("dan");
      assertRefused(act(s, action(Type.TRANSFER, "dan", null, "zed", null, null, null)), "zed is not an agent of acme");
      assertRefused(act(s, action(Type.TRANSFER, "dan", null, null, "nowhere", null, null)), "nowhere is not a queue");
      assertRefused(act(s, action(Type.TRANSFER, "dan", null, "erin", "billing", null, null)), "either targetAgentId or");
      assertRefused(act(s, action(Type.TRANSFER, "dan", null, null, null, null, null)), "either targetAgentId or");
      assertRefused(act(s, action(Type.TRANSFER, "dan", null, "dan", null, null, null)), "already owned by dan");
      assertRefused(act(queued(), action(Type.TRANSFER, "sam", null, null, "billing", null, null)),
          "already waits in queue billing");
    }

    @Test
    void aConversationThatIsNotAssignedOrQueuedCannotBeTransferred() {
      ConversationState bot = engine.onEvent(null, says("hello", "greeting", 0.9), T0).state();
      ConversationState resolved = act(ownedBy("dan"), action(Type.RESOLVE, "dan")).state();

      assertRefused(act(bot, action(Type.TRANSFER, "sam", null, "erin", null, null, null)), "conversation is BOT");
      assertRefused(act(resolved, action(Type.TRANSFER, "sam", null, "erin", null, null, null)), "is RESOLVED");
    }
  }

  @Nested
  class Releases {
    @Test
    void theSystemReturnsAnOwnedConversationToItsQueue() {
      Outcome o = act(ownedBy("dan"),
          action(Type.RELEASE, AgentAction.SYSTEM_AGENT, "dan went offline", null, null, null, null));

      assertEquals(Owner.QUEUED, o.state().owner());
      assertNull(o.state().agentId());
      assertEquals("billing", o.state().skill(), "no target keeps the queue");
      assertEquals("returned to the queue (dan went offline)", lastTurn(o).text());
      assertTrue(o.messages().isEmpty());
      assertEquals(T0.plusSeconds(30).plus(Duration.ofMinutes(2)), o.state().queueNoticeAt());
    }

    @Test
    void aSupervisorReleasesIntoAnotherQueue() {
      Outcome o = act(ownedBy("dan"), action(Type.RELEASE, "sam", null, null, "general", null, null));

      assertEquals("general", o.state().skill());
      assertEquals("returned to the queue general", lastTurn(o).text());
    }

    @Test
    void agentsCannotReleaseAndOnlyAnOwnedConversationIsReleased() {
      assertRefused(act(ownedBy("dan"), action(Type.RELEASE, "dan")), "only a supervisor or baton");
      assertRefused(act(ownedBy("dan"), action(Type.RELEASE, "erin")), "only a supervisor or baton");
      assertRefused(act(queued(), action(Type.RELEASE, AgentAction.SYSTEM_AGENT)), "conversation is QUEUED");
      assertRefused(act(ownedBy("dan"), action(Type.RELEASE, "sam", null, null, "nowhere", null, null)),
          "nowhere is not a queue");
    }
  }

  @Nested
  class Claims {
    @Test
    void aSupervisorTakesOverAnotherAgentsConversation() {
      Outcome o = act(ownedBy("dan"), action(Type.CLAIM, "sam"));

      assertEquals("sam", o.state().agentId());
      assertTrue(o.state().transcript().stream().anyMatch(t -> t.text().equals("taken over from dan by sam")));
      assertTrue(o.messages().get(0).text().contains("Sam"), "the customer is told who joined");
    }

    @Test
    void anOrdinaryAgentIsStillRefusedWithWhoOwnsIt() {
      assertRefused(act(ownedBy("dan"), action(Type.CLAIM, "erin")), "cannot claim: conversation is owned by dan");
    }

    @Test
    void theSystemNeverOwnsAConversation() {
      assertRefused(act(queued(), action(Type.CLAIM, AgentAction.SYSTEM_AGENT)), "baton cannot own a conversation");
    }

    @Test
    void aClaimStopsTheWaitingNotices() {
      ConversationState s = ownedBy("dan");
      assertNull(s.queueNoticeAt());
      assertNull(s.queueStatus());
    }
  }

  @Nested
  class Resolutions {
    @Test
    void aResolutionCodeIsRecordedAndSaid() {
      Outcome o = act(ownedBy("dan"), action(Type.RESOLVE, "dan", null, null, null, "no-answer", null));

      assertEquals(Owner.RESOLVED, o.state().owner());
      assertEquals("no-answer", o.state().resolutionCode());
      assertEquals("resolved by dan (no-answer)", lastTurn(o).text());
    }

    @Test
    void withoutACodeTheTenantsFirstApplies() {
      Outcome o = act(ownedBy("dan"), action(Type.RESOLVE, "dan"));

      assertEquals("solved", o.state().resolutionCode());
      assertEquals("resolved by dan (solved)", lastTurn(o).text());
    }

    @Test
    void aCodeNotInTheTenantsListIsRefused() {
      ConversationState s = ownedBy("dan");
      Outcome o = act(s, action(Type.RESOLVE, "dan", null, null, null, "fixed-it", null));

      assertRefused(o, "unknown resolution code fixed-it (one of [solved, no-answer])");
      assertSame(s, o.state());
    }

    @Test
    void aSupervisorResolvesAnyConversationAndAnAgentOnlyTheirsOrAQueuedOne() {
      ConversationState bot = engine.onEvent(null, says("hello", "greeting", 0.9), T0).state();

      assertEquals("sam", act(ownedBy("dan"), action(Type.RESOLVE, "sam")).state().agentId());
      assertEquals(Owner.RESOLVED, act(bot, action(Type.RESOLVE, "sam")).state().owner());
      assertEquals(Owner.RESOLVED, act(queued(), action(Type.RESOLVE, "erin")).state().owner());
      assertRefused(act(ownedBy("dan"), action(Type.RESOLVE, "erin")), "owned by dan");
      assertRefused(act(bot, action(Type.RESOLVE, "erin")), "conversation is BOT");
      ConversationState resolved = act(ownedBy("dan"), action(Type.RESOLVE, "dan")).state();
      assertRefused(act(resolved, action(Type.RESOLVE, "sam")), "conversation is RESOLVED");
    }
  }

  @Nested
  class HandBacks {
    @Test
    void theTextOfAHandBackGoesToTheCustomerAsTheBot() {
      Outcome o = act(ownedBy("dan"), action(Type.HAND_BACK, "dan", "How did we do, 1 to 5?", null, null, null, null));

      assertEquals(Owner.BOT, o.state().owner());
      assertEquals(2, o.state().episode());
      assertNull(o.state().skill(), "a new episode has no queue yet");
      assertEquals(1, o.messages().size());
      OutboundMessage survey = o.messages().get(0);
      assertEquals(Speaker.BOT, survey.sender());
      assertEquals("How did we do, 1 to 5?", survey.text());
      assertEquals("hand-back", survey.reason());
      assertEquals(List.of(Speaker.SYSTEM, Speaker.BOT), o.turns().stream().map(t -> t.turn().speaker()).toList());
    }

    @Test
    void aHandBackWithoutTextSendsNothing() {
      Outcome o = act(ownedBy("dan"), action(Type.HAND_BACK, "dan"));

      assertEquals(Owner.BOT, o.state().owner());
      assertTrue(o.messages().isEmpty());
    }
  }

  @Nested
  class QueueStatuses {
    final QueueStatus third = new QueueStatus(3, 170, 2);

    @Test
    void theSystemsQueueStatusIsKeptWhileQueuedWithoutTakingADedupSlot() {
      AgentAction a = action(Type.QUEUE_STATUS, AgentAction.SYSTEM_AGENT, null, null, null, null, third);
      Outcome o = act(queued(), a);

      assertTrue(o.rejection().isEmpty());
      assertEquals(third, o.state().queueStatus());
      assertFalse(o.state().hasSeen(a.actionId()));
      assertTrue(o.messages().isEmpty() && o.turns().isEmpty());
    }

    @Test
    void theSameStatusAgainChangesNothing() {
      ConversationState s = act(queued(),
          action(Type.QUEUE_STATUS, AgentAction.SYSTEM_AGENT, null, null, null, null, third)).state();

      Outcome again = act(s, action(Type.QUEUE_STATUS, AgentAction.SYSTEM_AGENT, null, null, null, null, third));

      assertTrue(again.rejection().isEmpty());
      assertSame(s, again.state(), "nothing to store");
    }

    @Test
    void aStatusFromAnAgentOrForAConversationNotWaitingIsRefused() {
      assertRefused(act(queued(), action(Type.QUEUE_STATUS, "sam", null, null, null, null, third)), "only baton");
      assertRefused(act(ownedBy("dan"), action(Type.QUEUE_STATUS, AgentAction.SYSTEM_AGENT, null, null, null, null,
          third)), "conversation is owned by dan");
      assertRefused(act(queued(), action(Type.QUEUE_STATUS, AgentAction.SYSTEM_AGENT)), "without a status");
    }
  }

  @Nested
  class Results {
    @Test
    void anAppliedTransferNamesTheQueueAndAResolveItsCode() {
      ConversationState owned = ownedBy("dan");
      AgentAction transfer = action(Type.TRANSFER, "dan", null, null, "vip-desk", null, null);
      Outcome transferred = act(owned, transfer);
      AgentAction resolve = action(Type.RESOLVE, "sam", null, null, null, "no-answer", null);
      Outcome resolved = act(transferred.state(), resolve);

      AgentActionResult t = ActionResults.of(transfer, owned, transferred, T0);
      AgentActionResult r = ActionResults.of(resolve, transferred.state(), resolved, T0);

      assertEquals(AgentActionResult.Outcome.APPLIED, t.outcome());
      assertEquals(Owner.QUEUED, t.owner());
      assertEquals("vip-desk", t.skill());
      assertNull(t.resolutionCode());
      assertEquals(AgentActionResult.Outcome.APPLIED, r.outcome());
      assertEquals("no-answer", r.resolutionCode());
      assertEquals("vip-desk", r.skill());
    }

    @Test
    void aRefusedResolveHasNoCode() {
      ConversationState owned = ownedBy("dan");
      AgentAction resolve = action(Type.RESOLVE, "dan", null, null, null, "fixed-it", null);

      AgentActionResult r = ActionResults.of(resolve, owned, act(owned, resolve), T0);

      assertEquals(AgentActionResult.Outcome.REFUSED, r.outcome());
      assertNull(r.resolutionCode());
      assertEquals("dan", r.ownerAgentId());
      assertEquals("billing", r.skill());
    }
  }
}
