package dev.baton.handoff.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import dev.baton.schemas.OutboundMessage;
import dev.baton.schemas.Owner;
import dev.baton.schemas.ProposedReply;
import dev.baton.schemas.SchemaVersions;
import dev.baton.schemas.Sentiment;
import dev.baton.schemas.Speaker;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Caller silence on the wall-clock punctuator, counted from the end of the bot's speech. acme's
 * greeting is "I'm Acme's virtual assistant." (4 words and a sentence: 2.1 s at the default 400 ms
 * a word and 500 ms a sentence); its silence timeout is 5 s; the backstop margin 10 s.
 */
class VoiceSilenceTopologyTest {
  private static final String CALL = "call-1";
  private static final Duration GREETING = Duration.ofMillis(4 * 400 + 500);
  /**
   * 54 words in three sentences with two clause breaks; with the greeting before it, the bot's
   * first reply takes 58 x 400 ms + 4 x 500 ms + 2 x 250 ms = 25.7 s to say.
   */
  private static final String LONG_ANSWER = "Your parcel left our depot this morning and is with the driver now."
      + " It should reach you between two and four this afternoon. If nobody is home, the driver will leave it"
      + " with a neighbour or take it to the post office on Station Road, and you will get a card with the details.";
  private static final Duration LONG_REPLY = Duration.ofMillis(25_700);

  private final TopologyFixture f = new TopologyFixture();
  private Instant wall = TopologyFixture.OPEN;
  private int seq;

  @AfterEach
  void close() {
    f.close();
  }

  private void advance(Duration d) {
    wall = wall.plus(d);
    f.driver.advanceWallClockTime(d);
  }

  private EnrichedEvent call(EventType type, Map<String, String> attributes) {
    return EnrichedEvent.of(new ConversationEvent(SchemaVersions.CURRENT, "v-" + (++seq), type, TopologyFixture.TENANT,
        CALL, Channel.VOICE, wall, new Customer("cust-1", null, "+447700900123", null), null, null, attributes));
  }

  private EnrichedEvent started(String reportedBy) {
    return call(EventType.CALL_STARTED, reportedBy == null ? Map.of() : Map.of("voice.silenceReportedBy", reportedBy));
  }

  private EnrichedEvent silent() {
    return call(EventType.CALLER_SILENT, Map.of("silence.ms", "5000", "twilio.callSid", "CA1"));
  }

  private EnrichedEvent speech(String text, String intent, String answer) {
    ConversationEvent e = new ConversationEvent(SchemaVersions.CURRENT, "v-" + (++seq), EventType.SPEECH_SEGMENT,
        TopologyFixture.TENANT, CALL, Channel.VOICE, wall, null, text, null, Map.of());
    return new EnrichedEvent(SchemaVersions.CURRENT, e, new Sentiment("neutral", 0, Map.of(), "test"),
        intent == null ? null : new Intent(intent, 0.9, null, "test"), List.of(),
        answer == null ? null : new ProposedReply(answer, "faq:" + intent));
  }

  private List<String> deadlines() {
    List<String> keys = new ArrayList<>();
    try (var it = f.deadlines().all()) {
      it.forEachRemaining(kv -> keys.add(kv.key));
    }
    return keys;
  }

  @Test
  void aLongAnswerIsNotSilence5SecondsAfterItWasSentButIs5SecondsAfterItsEstimatedEnd() {
    f.send(started(null));
    advance(Duration.ofSeconds(1));
    f.send(speech("where is my parcel", "track_order", LONG_ANSWER));
    OutboundMessage reply = f.outbound.readValue();
    assertTrue(reply.text().endsWith("card with the details."), reply.text());

    advance(Duration.ofMillis(5200));
    assertTrue(f.handoffs.isEmpty(), "5.2 s after the reply was sent the bot is still speaking");
    advance(LONG_REPLY.minusMillis(5200).plusMillis(4900));
    assertTrue(f.handoffs.isEmpty(), "4.9 s after the estimated end of the reply");

    advance(Duration.ofMillis(200));
    List<HandoffRecord> handoffs = f.handoffs.readValuesToList();
    assertEquals(1, handoffs.size());
    assertEquals(HandoffReason.SILENCE, handoffs.get(0).reason());
    long silentMs = Long.parseLong(handoffs.get(0).audit().observed().split(" ")[0]);
    assertTrue(silentMs >= 5000 && silentMs <= 5200, handoffs.get(0).audit().observed());
  }

  @Test
  void aProvidersReportHandsOffAtOnceAndOnlyOnce() {
    f.send(started("twilio"));
    advance(Duration.ofSeconds(8));
    EnrichedEvent report = silent();

    f.send(report);

    List<HandoffRecord> handoffs = f.handoffs.readValuesToList();
    assertEquals(1, handoffs.size(), "at once, without waiting for the timer");
    HandoffRecord h = handoffs.get(0);
    assertEquals(HandoffReason.SILENCE, h.reason());
    assertEquals("silence", h.audit().rule());
    assertEquals("5000 ms without speech", h.audit().observed());
    assertEquals(report.event().eventId(), h.audit().eventId());
    assertEquals(List.of("handoff-notice:silence"), f.outbound.readValuesToList().stream().map(OutboundMessage::reason).toList());
    ConversationState queued = f.state(CALL);
    assertEquals(List.of(ConversationProcessor.deadlineKey(queued.queueNoticeAt(), TopologyFixture.key(CALL))), deadlines(),
        "the backstop is gone; only the caller's first waiting notice is due");

    f.send(report);
    f.send(silent());
    advance(Duration.ofSeconds(60));
    assertTrue(f.handoffs.isEmpty(), "neither a repeated report nor the timer hands off again");
    assertTrue(f.outbound.isEmpty());
    assertEquals(queued, f.state(CALL), "the repeated reports left the state as it was");
  }

  @Test
  void withAReporterTheTimerWaitsPastTheTimeoutAndTheBackstopFiresWhenNoReportComes() {
    f.send(started("twilio"));
    assertEquals("twilio", f.state(CALL).silenceReportedBy());

    advance(Duration.ofMillis(5200));
    assertTrue(f.handoffs.isEmpty(), "5 s into the call: the provider measures the silence, not Baton");
    advance(GREETING.plusSeconds(15).minusMillis(5200 + 100));
    assertTrue(f.handoffs.isEmpty(), "just before the backstop");

    advance(Duration.ofMillis(300));
    List<HandoffRecord> handoffs = f.handoffs.readValuesToList();
    assertEquals(1, handoffs.size());
    assertEquals(HandoffReason.SILENCE, handoffs.get(0).reason());
    String observed = handoffs.get(0).audit().observed();
    long silentMs = Long.parseLong(observed.split(" ")[0]);
    assertTrue(silentMs >= 15_000 && silentMs <= 15_300, observed);
    assertTrue(observed.endsWith(", no report from twilio"), observed);
  }

  @Test
  void onceAPersonOwnsTheCallNeitherAReportNorTheTimerDoesAnything() {
    f.send(started("twilio"));
    advance(Duration.ofSeconds(2));
    f.send(speech("put me through to a person", null, null));
    assertEquals(HandoffReason.EXPLICIT_REQUEST, f.handoffs.readValue().reason());
    f.send(f.action(CALL, Type.CLAIM, "alice", null));
    f.outbound.readValuesToList();
    f.turns.readValuesToList();
    ConversationState owned = f.state(CALL);
    assertEquals(Owner.AGENT, owned.owner());

    advance(Duration.ofSeconds(8));
    f.send(silent());
    advance(Duration.ofSeconds(60));

    assertTrue(f.handoffs.isEmpty());
    assertTrue(f.outbound.readValuesToList().stream().noneMatch(m -> m.sender() == Speaker.BOT));
    assertTrue(f.turns.isEmpty(), "no transcript line for an ignored report");
    assertEquals(owned, f.state(CALL));
  }
}
