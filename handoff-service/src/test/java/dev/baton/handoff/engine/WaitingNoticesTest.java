package dev.baton.handoff.engine;

import static dev.baton.handoff.engine.EngineFixture.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.schemas.AgentAction;
import dev.baton.schemas.AgentAction.QueueStatus;
import dev.baton.schemas.AgentAction.Type;
import dev.baton.schemas.Channel;
import dev.baton.schemas.ConversationState;
import dev.baton.schemas.HandoffRecord;
import dev.baton.schemas.OutboundMessage;
import dev.baton.schemas.Owner;
import dev.baton.schemas.Speaker;
import dev.baton.tenant.Templates;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Waiting notices and the call back they may offer, on the pure engine. */
class WaitingNoticesTest {
  private static final Duration PERIOD = Duration.ofMinutes(2);
  private static final Instant DUE = T0.plus(PERIOD);

  private final EngineFixture f = new EngineFixture();
  private final ConversationEngine engine = f.engine;

  private ConversationState withStatus(ConversationState s, QueueStatus status) {
    Outcome o = f.act(s, f.action(Type.QUEUE_STATUS, AgentAction.SYSTEM_AGENT, null, null, null, null, status));
    assertTrue(o.rejection().isEmpty(), o.rejection().toString());
    return o.state();
  }

  private static OutboundMessage onlyMessage(Outcome o) {
    assertEquals(1, o.messages().size(), o.messages().toString());
    return o.messages().get(0);
  }

  @Nested
  class Notices {
    @Test
    void nothingIsSentBeforeAFullPeriod() {
      ConversationState s = f.queued();

      Outcome o = engine.onDeadline(s, DUE.minusMillis(1));

      assertSame(s, o.state());
      assertTrue(o.messages().isEmpty());
    }

    @Test
    void withoutAnyStatusTheNoEstimateNoticeLeavesThePlaceOut() {
      Outcome o = engine.onDeadline(f.queued(), DUE);

      OutboundMessage m = onlyMessage(o);
      assertEquals("Thanks for waiting. A colleague will be with you as soon as possible.", m.text());
      assertEquals(Speaker.BOT, m.sender());
      assertEquals("queue-notice", m.reason());
      assertEquals("acme/c-1:1:queue-notice-" + DUE.toEpochMilli(), m.messageId());
      assertEquals("acme/c-1:1", m.causationEventId(), "caused by the handoff the customer waits on");
      assertEquals(Channel.WHATSAPP, m.channel());
      assertEquals(DUE.plus(PERIOD), o.state().queueNoticeAt(), "the next notice a period later");
      assertEquals(Speaker.BOT, EngineFixture.lastTurn(o).speaker());
    }

    @Test
    void withAStatusTheNoticeSaysThePlaceAndTheWait() {
      Outcome o = engine.onDeadline(withStatus(f.queued(), new QueueStatus(3, 170, 2)), DUE);

      assertEquals("Thanks for waiting. You're number 3 in the queue; the expected wait is about 3 minutes.",
          onlyMessage(o).text());
    }

    @Test
    void withoutAnEstimateTheNoticeSaysThePlaceOnly() {
      Outcome o = engine.onDeadline(withStatus(f.queued(), new QueueStatus(4, null, 1)), DUE);

      assertEquals(Templates.DEFAULTS.queueNoticeNoEstimate().replace("{position}", "4"), onlyMessage(o).text());
    }

    @Test
    void withNoAgentAvailableTheCustomerIsOfferedACallBack() {
      Outcome o = engine.onDeadline(withStatus(f.queued(), new QueueStatus(2, null, 0)), DUE.plusMillis(50));

      OutboundMessage m = onlyMessage(o);
      assertEquals(Templates.DEFAULTS.callbackOffer(), m.text());
      assertEquals("callback-offer", m.reason());
      assertEquals(DUE.plusMillis(50), o.state().callbackOfferedAt());
    }

    @Test
    void theSameDeadlineHandledTwiceMakesTheSameMessageAndANewPeriodAnother() {
      ConversationState s = f.queued();

      OutboundMessage first = onlyMessage(engine.onDeadline(s, DUE));
      OutboundMessage replayed = onlyMessage(engine.onDeadline(s, DUE.plusMillis(100)));
      OutboundMessage next = onlyMessage(engine.onDeadline(engine.onDeadline(s, DUE).state(), DUE.plus(PERIOD)));

      assertEquals(first.messageId(), replayed.messageId(), "a replay is dropped by the deliverer");
      assertFalse(first.messageId().equals(next.messageId()));
    }

    @Test
    void periodsMissedWhileDownAreNotCaughtUp() {
      Outcome o = engine.onDeadline(f.queued(), DUE.plus(Duration.ofMinutes(7)));

      assertEquals(1, o.messages().size());
      assertEquals(T0.plus(Duration.ofMinutes(10)), o.state().queueNoticeAt(), "the next full period after now");
    }

    @Test
    void aFollowUpAfterHoursGetsNoNotices() {
      Instant saturday = Instant.parse("2026-11-28T10:00:00Z");
      ConversationState s = f.queued(saturday);

      assertTrue(s.openHandoff().followUp());
      assertNull(s.queueNoticeAt(), "nobody waits on the line");
    }

    @Test
    void aCallerWhoHungUpIsNotToldTheirPlace() {
      ConversationState call = f.queued().toBuilder().channel(Channel.VOICE).callActive(false).build();

      Outcome o = engine.onDeadline(call, DUE);

      assertTrue(o.messages().isEmpty());
      assertNull(o.state().queueNoticeAt());
    }

    @Test
    void aStateWrittenBeforeTheOpenHandoffWasKeptGetsNoNotice() {
      ConversationState old = f.queued().toBuilder().openHandoff(null).build();

      Outcome o = engine.onDeadline(old, DUE);

      assertTrue(o.messages().isEmpty());
      assertNull(o.state().queueNoticeAt());
    }
  }

  @Nested
  class CallBacks {
    private ConversationState offered() {
      ConversationState s = engine.onDeadline(withStatus(f.queued(), new QueueStatus(2, null, 0)), DUE).state();
      assertNotNull(s.callbackOfferedAt());
      return s;
    }

    @Test
    void aCustomerWhoTakesTheCallBackIsToldAndTheHandoffBecomesAFollowUp() {
      ConversationState s = offered();
      Instant later = DUE.plusSeconds(20);

      Outcome o = engine.onEvent(s, f.says("yes please call me", null, 0, Channel.WHATSAPP, later), later);

      OutboundMessage m = onlyMessage(o);
      assertEquals(Templates.DEFAULTS.callbackConfirmed(), m.text());
      assertEquals("callback-confirmed", m.reason());
      HandoffRecord h = o.handoff().orElseThrow();
      assertEquals(s.openHandoffId(), h.handoffId(), "an update of the episode's one handoff");
      assertTrue(h.followUp());
      assertEquals(T0, h.createdAt(), "the customer keeps their place");
      assertEquals("billing", h.skill());
      assertEquals(s.openHandoff().reason(), h.reason());
      assertEquals("yes please call me", h.transcript().stream().filter(t -> t.speaker() == Speaker.CUSTOMER)
          .reduce((a, b) -> b).orElseThrow().text());
      assertEquals(Owner.QUEUED, o.state().owner(), "still waiting for an agent, who now calls back");
      assertTrue(o.state().openHandoff().followUp());
      assertNull(o.state().queueNoticeAt(), "no more waiting notices");
      assertNull(o.state().callbackOfferedAt());
    }

    @Test
    void everyWayOfSayingItCounts() {
      for (String text : new String[] {"CALLBACK", "call me back", "Call-back please!", "yes please call me"}) {
        Outcome o = engine.onEvent(offered(), f.says(text, null, 0), DUE);
        assertTrue(o.handoff().isPresent(), text);
      }
    }

    @Test
    void aRefusalOrAnotherMessageIsOnlyATurn() {
      for (String text : new String[] {"don't call me, I'll wait", "no callback thanks", "how long will it be?"}) {
        Outcome o = engine.onEvent(offered(), f.says(text, null, 0), DUE);
        assertTrue(o.messages().isEmpty(), text);
        assertTrue(o.handoff().isEmpty(), text);
        assertNotNull(o.state().queueNoticeAt(), text);
      }
    }

    @Test
    void withoutAnOfferCallMeBackIsOnlyATurn() {
      Outcome o = engine.onEvent(f.queued(), f.says("call me back", null, 0), DUE);

      assertTrue(o.messages().isEmpty());
      assertTrue(o.handoff().isEmpty());
    }

    @Test
    void aClaimWithdrawsTheOffer() {
      ConversationState claimed = engine.onAgentAction(offered(), f.action(Type.CLAIM, "dan"), DUE).state();

      Outcome o = engine.onEvent(claimed, f.says("callback", null, 0), DUE);

      assertNull(claimed.callbackOfferedAt());
      assertTrue(o.handoff().isEmpty());
      assertTrue(o.messages().isEmpty(), "the agent answers now, not the bot");
    }
  }

  @Nested
  class Texts {
    @Test
    void anExpectedWaitReadsInMinutesOrHours() {
      assertEquals("1 minute", ConversationEngine.waitText(0));
      assertEquals("1 minute", ConversationEngine.waitText(80));
      assertEquals("3 minutes", ConversationEngine.waitText(170));
      assertEquals("89 minutes", ConversationEngine.waitText(89 * 60));
      assertEquals("2 hours", ConversationEngine.waitText(95 * 60));
    }

    @Test
    void aClauseWithAnUnknownValueIsLeftOut() {
      assertEquals("Thanks. We'll be quick.", ConversationEngine.withoutClause("Thanks. You're number {position}; we'll be quick.", "{position}"));
      assertEquals("Thanks. Soon.", ConversationEngine.withoutClause("Thanks. You're number {position}. Soon.", "{position}"));
      assertEquals("Thanks.", ConversationEngine.withoutClause("Thanks; you're number {position}.", "{position}"));
      assertEquals("", ConversationEngine.withoutClause("Number {position}.", "{position}"));
      assertEquals("No placeholder.", ConversationEngine.withoutClause("No placeholder.", "{position}"));
    }
  }
}
