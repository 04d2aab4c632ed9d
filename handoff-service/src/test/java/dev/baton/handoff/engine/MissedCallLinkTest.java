package dev.baton.handoff.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.schemas.ConversationEvent;
import dev.baton.schemas.EnrichedEvent;
import dev.baton.schemas.HandoffRecord;
import dev.baton.schemas.Speaker;
import dev.baton.schemas.Turn;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The customer's first message after a missed call says, in the transcript, which call it follows. */
class MissedCallLinkTest {
  private static final Instant T0 = EngineFixture.T0;
  private final EngineFixture f = new EngineFixture();

  private static EnrichedEvent linkedTo(EnrichedEvent e, String missedConversation, String missedAt) {
    ConversationEvent m = e.event();
    ConversationEvent linked = new ConversationEvent(m.schemaVersion(), m.eventId(), m.type(), m.tenantId(),
        m.conversationId(), m.channel(), m.occurredAt(), m.customer(), m.text(), m.agentId(),
        Map.of(ConversationEvent.MISSED_CALL_CONVERSATION, missedConversation, ConversationEvent.MISSED_CALL_AT, missedAt));
    return new EnrichedEvent(e.schemaVersion(), linked, e.sentiment(), e.intent(), e.slots(), e.proposedReply(), e.language());
  }

  @Test
  void theFirstMessageAfterAMissedCallNamesItBeforeWhatTheCustomerSaid() {
    Outcome o = f.engine.onEvent(null, linkedTo(f.says("I want a refund", "get_refund", 0.9), "call:CA42",
        "2026-11-23T09:40:00Z"), T0);

    List<Turn> t = o.state().transcript();
    assertEquals(Speaker.SYSTEM, t.get(0).speaker());
    assertEquals("follows the missed call of Mon 23 Nov, 09:40 (call:CA42)", t.get(0).text());
    assertEquals(Turn.MISSED_CALL_LINK + "call:CA42", t.get(0).reason());
    assertEquals(Speaker.CUSTOMER, t.get(1).speaker());
    HandoffRecord h = o.handoff().orElseThrow();
    assertTrue(h.transcript().stream().anyMatch(x -> (Turn.MISSED_CALL_LINK + "call:CA42").equals(x.reason())),
        "the agent taking the handoff sees which call it follows");
  }

  @Test
  void aMessageOnTheMissedCallsOwnConversationAddsNoLine() {
    Outcome o = f.engine.onEvent(null, linkedTo(f.says("when are you open", "opening_hours", 0.9), EngineFixture.C,
        "2026-11-23T09:40:00Z"), T0);

    assertTrue(o.state().transcript().stream().noneMatch(x -> x.speaker() == Speaker.SYSTEM), o.state().transcript().toString());
  }

  @Test
  void anUnreadableTimeStillLinks() {
    Outcome o = f.engine.onEvent(null, linkedTo(f.says("when are you open", "opening_hours", 0.9), "call:CA7", "yesterday"),
        T0);

    assertEquals("follows the missed call of earlier (call:CA7)", o.state().transcript().get(0).text());
  }
}
