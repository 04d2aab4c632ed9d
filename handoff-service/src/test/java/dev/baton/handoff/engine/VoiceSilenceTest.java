package dev.baton.handoff.engine;

import static dev.baton.handoff.engine.EngineFixture.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.schemas.AgentAction.Type;
import dev.baton.schemas.Channel;
import dev.baton.schemas.ConversationEvent;
import dev.baton.schemas.ConversationState;
import dev.baton.schemas.Customer;
import dev.baton.schemas.EnrichedEvent;
import dev.baton.schemas.EventType;
import dev.baton.schemas.HandoffReason;
import dev.baton.schemas.HandoffRecord;
import dev.baton.schemas.Intent;
import dev.baton.schemas.Owner;
import dev.baton.schemas.ProposedReply;
import dev.baton.schemas.SchemaVersions;
import dev.baton.schemas.Speaker;
import dev.baton.schemas.Turn;
import dev.baton.schemas.Sentiment;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * A caller's silence counts from the end of the bot's speech: estimated from the text on the
 * generic channel, reported by the provider ({@code CALLER_SILENT}) where {@code CALL_STARTED}
 * says it will, with Baton's deadline then only a backstop. Timings with the defaults: 400 ms a
 * word, 500 ms per sentence, 250 ms per clause, a 5 s timeout and a 10 s margin.
 */
class VoiceSilenceTest {
  private static final String CALL = "call-1";
  /** acme's greeting, "Hi, I'm the virtual assistant of Acme.": 7 words, a sentence, a clause. */
  private static final Duration GREETING = Duration.ofMillis(7 * 400 + 500 + 250);
  /** "We're open Monday to Saturday, 9am to 5pm.": 10 words ("9am" is two, "5pm" two), a sentence, a clause. */
  private static final Duration HOURS = Duration.ofMillis(10 * 400 + 500 + 250);

  private final EngineFixture f = new EngineFixture();
  private final ConversationEngine engine = f.engine;
  private int seq;

  private EnrichedEvent call(EventType type, Instant at, Map<String, String> attributes) {
    return EnrichedEvent.of(new ConversationEvent(SchemaVersions.CURRENT, "call-ev-" + (++seq), type, EngineFixture.TENANT,
        CALL, Channel.VOICE, at, new Customer("cust-1", null, "+447700900123", null), null, null, attributes));
  }

  private EnrichedEvent started(Instant at, String reportedBy) {
    return call(EventType.CALL_STARTED, at, reportedBy == null ? Map.of() : Map.of("voice.silenceReportedBy", reportedBy));
  }

  private EnrichedEvent silent(Instant at) {
    return call(EventType.CALLER_SILENT, at, Map.of("silence.ms", "5000"));
  }

  private EnrichedEvent speech(String text, String intent, String answer, Instant at) {
    ConversationEvent e = new ConversationEvent(SchemaVersions.CURRENT, "call-ev-" + (++seq), EventType.SPEECH_SEGMENT,
        EngineFixture.TENANT, CALL, Channel.VOICE, at, null, text, null, Map.of());
    return new EnrichedEvent(SchemaVersions.CURRENT, e, new Sentiment("neutral", 0, Map.of(), "t"),
        intent == null ? null : new Intent(intent, 0.9, null, "t"), List.of(),
        answer == null ? null : new ProposedReply(answer, "faq:" + intent));
  }

  private ConversationState on(ConversationState s, EnrichedEvent e, Instant now) {
    return engine.onEvent(s, e, now).state();
  }

  /** A call the bot answered: the caller asked for the opening hours 1 s in. */
  private ConversationState answered(String reportedBy) {
    ConversationState s = on(null, started(T0, reportedBy), T0);
    return on(s, speech("when are you open", "opening_hours", "We're open Monday to Saturday, 9am to 5pm.",
        T0.plusSeconds(1)), T0.plusSeconds(1));
  }

  @Test
  void theGreetingTheProviderSpokeIsTheBotsFirstTurnAndIsNotRepeated() {
    Map<String, String> a = Map.of("voice.silenceReportedBy", "twilio",
        "voice.greeting", "Hi, I'm the virtual assistant of Acme.");
    ConversationState s = on(null, call(EventType.CALL_STARTED, T0, a), T0);
    Outcome reply = engine.onEvent(s, speech("when are you open", "opening_hours",
        "We're open Monday to Saturday, 9am to 5pm.", T0.plusSeconds(3)), T0.plusSeconds(3));

    List<Turn> transcript = reply.state().transcript();
    assertTrue(transcript.stream().anyMatch(t -> t.speaker() == Speaker.BOT
        && t.text().equals("Hi, I'm the virtual assistant of Acme.") && "greeting".equals(t.reason())), transcript.toString());
    assertEquals("We're open Monday to Saturday, 9am to 5pm.", reply.messages().get(0).text(),
        "the caller heard the introduction already");
  }

  @Nested
  class EstimatedOnTheGenericChannel {
    @Test
    void aCallStartedWithoutAReporterCountsFromTheStartAsBefore() {
      ConversationState s = on(null, started(T0, null), T0);

      assertNull(s.silenceReportedBy());
      assertEquals(T0.plusSeconds(5), s.silenceDeadline(), "Baton has said nothing yet on this call");
    }

    @Test
    void theDeadlineIsTheEstimatedEndOfTheReplyPlusTheTimeout() {
      ConversationState s = answered(null);

      Instant sent = T0.plusSeconds(1);
      assertEquals(sent.plus(GREETING).plus(HOURS).plusSeconds(5), s.silenceDeadline());
      assertEquals(Duration.ofMillis(8300), GREETING.plus(HOURS), "the first reply carries the greeting");
    }

    @Test
    void aLongAnswerIsNotSilence5SecondsAfterItWasSentButIs5SecondsAfterItsEstimatedEnd() {
      ConversationState s = answered(null);
      Instant end = T0.plusSeconds(1).plus(GREETING).plus(HOURS);

      Outcome early = engine.onDeadline(s, T0.plusSeconds(1 + 5).plusMillis(100));
      assertSame(s, early.state(), "5 s after the reply was sent the bot is still speaking");
      assertSame(s, engine.onDeadline(s, end.plusMillis(4999)).state());

      Outcome late = engine.onDeadline(s, end.plusSeconds(5));
      HandoffRecord h = late.handoff().orElseThrow();
      assertEquals(HandoffReason.SILENCE, h.reason());
      assertEquals("silence", h.audit().rule());
      assertEquals("5000 ms without speech", h.audit().observed(), "counted from the estimated end of speech");
      assertEquals("> 5000 ms", h.audit().threshold());
    }

    @Test
    void anAgentsLastWordsOnHandBackAreCountedToo() {
      ConversationState s = on(on(null, started(T0, null), T0), speech("put me through to a person", null, null,
          T0.plusSeconds(1)), T0.plusSeconds(1));
      s = engine.onAgentAction(s, f.action(Type.CLAIM, "dan"), T0.plusSeconds(20)).state();
      Instant back = T0.plusSeconds(40);

      s = engine.onAgentAction(s, f.action(Type.HAND_BACK, "dan", "Anything else I can do?", null, null, null, null),
          back).state();

      assertEquals(Owner.BOT, s.owner());
      assertEquals(back.plusMillis(5 * 400 + 500).plusSeconds(5), s.silenceDeadline());
    }
  }

  @Nested
  class ReportedByTheProvider {
    @Test
    void theCallRemembersItsReporterAndTheDeadlineAllowsForTheGreetingAndTheMargin() {
      ConversationState s = on(null, started(T0, "twilio"), T0);

      assertEquals("twilio", s.silenceReportedBy());
      assertEquals(T0.plus(GREETING).plusSeconds(5 + 10), s.silenceDeadline());
      assertEquals(T0.plusSeconds(1).plus(GREETING).plus(HOURS).plusSeconds(5 + 10), answered("twilio").silenceDeadline());
    }

    @Test
    void aReportHandsOffAtOnceAndOnlyOnce() {
      ConversationState s = answered("twilio");
      Instant reported = T0.plusSeconds(15);
      EnrichedEvent report = silent(reported);

      Outcome o = engine.onEvent(s, report, reported);

      HandoffRecord h = o.handoff().orElseThrow();
      assertEquals(HandoffReason.SILENCE, h.reason());
      assertEquals("silence", h.audit().rule());
      assertEquals("5000 ms without speech", h.audit().observed(), "the provider's measure");
      assertEquals("> 5000 ms", h.audit().threshold());
      assertEquals(report.event().eventId(), h.audit().eventId());
      assertEquals(Owner.QUEUED, o.state().owner());
      assertNull(o.state().silenceDeadline());
      assertEquals(1, o.messages().size(), "the caller is told: " + o.messages());
      assertEquals("handoff-notice:silence", o.messages().get(0).reason());

      ConversationState after = o.state();
      assertSame(after, engine.onEvent(after, report, reported.plusSeconds(1)).state(), "the same report again");
      Outcome again = engine.onEvent(after, silent(reported.plusSeconds(6)), reported.plusSeconds(6));
      assertSame(after, again.state(), "a second report");
      assertTrue(again.handoff().isEmpty());
      assertTrue(engine.onDeadline(after, reported.plusSeconds(60)).handoff().isEmpty(), "nor the timer");
    }

    @Test
    void withoutAReportTheTimerDoesNotFireAtTheTimeoutButTheBackstopDoes() {
      ConversationState s = on(null, started(T0, "twilio"), T0);

      assertSame(s, engine.onDeadline(s, T0.plusSeconds(5).plusMillis(100)).state());
      assertSame(s, engine.onDeadline(s, T0.plus(GREETING).plusSeconds(5)).state(), "the provider decides");
      Outcome backstop = engine.onDeadline(s, T0.plus(GREETING).plusSeconds(15));

      HandoffRecord h = backstop.handoff().orElseThrow();
      assertEquals(HandoffReason.SILENCE, h.reason());
      assertEquals("15000 ms without speech, no report from twilio", h.audit().observed());
      assertEquals(Owner.QUEUED, backstop.state().owner());
    }

    @Test
    void theReporterEndsWithTheCallAndANewCallSaysItsOwn() {
      ConversationState s = on(null, started(T0, "twilio"), T0);
      s = on(s, call(EventType.CALL_ENDED, T0.plusSeconds(3), Map.of()), T0.plusSeconds(3));
      assertNull(s.silenceReportedBy());

      s = on(s, started(T0.plusSeconds(60), null), T0.plusSeconds(60));
      assertNull(s.silenceReportedBy());
      assertEquals(T0.plusSeconds(65), s.silenceDeadline());
    }

    @Test
    void aReporterThatIsNotANameIsIgnored() {
      assertNull(on(null, started(T0, "twilio <script>"), T0).silenceReportedBy());
      assertNull(on(null, started(T0, "x".repeat(41)), T0).silenceReportedBy());
      assertEquals("vendor-2.eu_west", on(null, started(T0, "vendor-2.eu_west"), T0).silenceReportedBy());
    }

    @Test
    void aReportWithoutItsDurationStillHandsOffAndSaysSo() {
      ConversationState s = on(null, started(T0, "twilio"), T0);

      Outcome o = engine.onEvent(s, call(EventType.CALLER_SILENT, T0.plusSeconds(8), Map.of("silence.ms", "soon")),
          T0.plusSeconds(8));

      assertEquals("silence reported without silence.ms", o.handoff().orElseThrow().audit().observed());
    }
  }

  @Nested
  class IgnoredReports {
    @Test
    void aReportForAConversationWithNoStateMakesNone() {
      Outcome o = engine.onEvent(null, silent(T0), T0);

      assertNull(o.state());
      assertTrue(o.messages().isEmpty());
      assertTrue(o.turns().isEmpty());
    }

    @Test
    void aReportOnAChatOrAnEndedCallChangesNothing() {
      ConversationState chat = engine.onEvent(null, f.says("when are you open", "opening_hours", 0.9), T0).state();
      assertSame(chat, engine.onEvent(chat, silent(T0.plusSeconds(10)), T0.plusSeconds(10)).state());

      ConversationState ended = on(on(null, started(T0, "twilio"), T0), call(EventType.CALL_ENDED, T0.plusSeconds(2),
          Map.of()), T0.plusSeconds(2));
      Outcome o = engine.onEvent(ended, silent(T0.plusSeconds(8)), T0.plusSeconds(8));
      assertSame(ended, o.state());
      assertTrue(o.handoff().isEmpty());
    }

    @Test
    void aReportWhileAPersonOwnsTheCallChangesNothing() {
      ConversationState s = on(on(null, started(T0, "twilio"), T0), speech("put me through to a person", null, null,
          T0.plusSeconds(1)), T0.plusSeconds(1));
      assertEquals(Owner.QUEUED, s.owner());
      assertSame(s, engine.onEvent(s, silent(T0.plusSeconds(9)), T0.plusSeconds(9)).state(), "waiting for a person");

      ConversationState owned = engine.onAgentAction(s, f.action(Type.CLAIM, "dan"), T0.plusSeconds(20)).state();
      Outcome o = engine.onEvent(owned, silent(T0.plusSeconds(30)), T0.plusSeconds(30));
      assertSame(owned, o.state());
      assertTrue(o.handoff().isEmpty());
      assertTrue(o.messages().isEmpty());
      assertTrue(engine.onDeadline(owned, T0.plusSeconds(120)).handoff().isEmpty());
    }

    @Test
    void aReportMadeBeforeTheCallersLatestSpeechIsAboutAnAnsweredPrompt() {
      ConversationState s = answered("twilio");

      Outcome stale = engine.onEvent(s, silent(T0.plusMillis(900)), T0.plusSeconds(2));

      assertSame(s, stale.state());
      assertNotNull(s.silenceDeadline(), "the bot still waits for the caller");
    }
  }
}
