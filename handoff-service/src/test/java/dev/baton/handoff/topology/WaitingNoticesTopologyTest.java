package dev.baton.handoff.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.schemas.AgentAction.Type;
import dev.baton.schemas.AgentActionResult;
import dev.baton.schemas.HandoffRecord;
import dev.baton.schemas.OutboundMessage;
import dev.baton.schemas.Owner;
import dev.baton.schemas.Speaker;
import dev.baton.tenant.Templates;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Waiting notices on the silence timer's wall-clock punctuator and deadline store: one per
 * {@code queueNoticeAfter} (2 minutes for acme) of waiting, a call back offered when no agent is
 * available, and nothing twice.
 */
class WaitingNoticesTopologyTest {
  private static final String C = "conv-1";
  private static final Instant DUE = TopologyFixture.OPEN.plus(Duration.ofMinutes(2));
  private final TopologyFixture f = new TopologyFixture();
  private HandoffRecord handoff;

  @BeforeEach
  void aCustomerWaitsForAnAgent() {
    f.send(f.say(C, "I want to speak to someone", null, 0, 0.0, null));
    handoff = f.handoffs.readValue();
    f.outbound.readValuesToList();
    assertEquals(Owner.QUEUED, f.state(C).owner());
  }

  @AfterEach
  void close() {
    f.close();
  }

  private List<String> deadlines() {
    List<String> keys = new ArrayList<>();
    try (var it = f.deadlines().all()) {
      it.forEachRemaining(kv -> keys.add(kv.key));
    }
    return keys;
  }

  private OutboundMessage onlyMessage() {
    List<OutboundMessage> all = f.outbound.readValuesToList();
    assertEquals(1, all.size(), "outbound: " + all);
    return all.get(0);
  }

  @Test
  void oneNoticePerPeriodOfWaitingAndNoneInBetween() {
    assertEquals(List.of(ConversationProcessor.deadlineKey(DUE, TopologyFixture.key(C))), deadlines(),
        "the notice waits in the same store as silence deadlines");

    f.driver.advanceWallClockTime(Duration.ofMillis(119_900));
    assertTrue(f.outbound.isEmpty(), "not before 2 minutes");

    f.driver.advanceWallClockTime(Duration.ofMillis(200));
    OutboundMessage first = onlyMessage();
    assertEquals("Thanks for waiting. A colleague will be with you as soon as possible.", first.text(),
        "no queue status yet: the place is left out");
    assertEquals(Speaker.BOT, first.sender());
    assertEquals(handoff.handoffId() + ":queue-notice-" + DUE.toEpochMilli(), first.messageId());

    f.driver.advanceWallClockTime(Duration.ofMinutes(1));
    assertTrue(f.outbound.isEmpty(), "one notice per period");

    f.driver.advanceWallClockTime(Duration.ofMinutes(1));
    OutboundMessage second = onlyMessage();
    assertNotEquals(first.messageId(), second.messageId());
    assertEquals(DUE.plus(Duration.ofMinutes(4)), f.state(C).queueNoticeAt());
    assertEquals(List.of(ConversationProcessor.deadlineKey(f.state(C).queueNoticeAt(), TopologyFixture.key(C))),
        deadlines(), "the fired deadline replaced by the next");
    assertTrue(f.handoffs.isEmpty(), "a notice is not a handoff");
  }

  @Test
  void theNoticeSaysThePlaceAndTheWaitTheGatewayReported() {
    f.send(f.queueStatus(C, 3, 170, 2));
    AgentActionResult r = f.results.readValue();
    assertEquals(AgentActionResult.Outcome.APPLIED, r.outcome());

    f.driver.advanceWallClockTime(Duration.ofMillis(120_100));

    assertEquals("Thanks for waiting. You're number 3 in the queue; the expected wait is about 3 minutes.",
        onlyMessage().text());
  }

  @Test
  void theCallBackIsOfferedOnceAndLaterPeriodsSayThePlace() {
    f.send(f.queueStatus(C, 2, null, 0));
    f.driver.advanceWallClockTime(Duration.ofMillis(120_100));
    OutboundMessage offer = onlyMessage();
    assertEquals("callback-offer", offer.reason());

    f.driver.advanceWallClockTime(Duration.ofMinutes(2));
    OutboundMessage next = onlyMessage();
    assertEquals("queue-notice", next.reason(), "the offer is not repeated: " + next.text());
    assertEquals("Thanks for waiting. You're number 2 in the queue; a colleague will be with you as soon as possible.",
        next.text());
    assertNotNull(f.state(C).callbackOfferedAt(), "the offer stands: CALLBACK still takes it");
  }

  @Test
  void withNoAgentACallBackIsOfferedAndTakingItMakesTheHandoffAFollowUp() {
    f.send(f.queueStatus(C, 2, null, 0));
    f.driver.advanceWallClockTime(Duration.ofMillis(120_100));
    OutboundMessage offer = onlyMessage();
    assertEquals(Templates.DEFAULTS.callbackOffer(), offer.text());

    f.send(f.say(C, "CALLBACK", null, 0, 0.0, null));

    OutboundMessage confirmed = onlyMessage();
    assertEquals(Templates.DEFAULTS.callbackConfirmed(), confirmed.text());
    assertEquals("callback-confirmed", confirmed.reason());
    List<HandoffRecord> updates = f.handoffs.readValuesToList();
    assertEquals(1, updates.size());
    HandoffRecord update = updates.get(0);
    assertEquals(handoff.handoffId(), update.handoffId(), "the same handoff, updated");
    assertTrue(update.followUp());
    assertEquals(handoff.createdAt(), update.createdAt());
    assertEquals(handoff.reason(), update.reason());
    assertEquals(Owner.QUEUED, f.state(C).owner());

    f.driver.advanceWallClockTime(Duration.ofMinutes(10));
    assertTrue(f.outbound.isEmpty(), "no more waiting notices for a follow-up");
    assertEquals(List.of(), deadlines());

    f.send(f.say(C, "call me back", null, 0, 0.0, null));
    assertTrue(f.outbound.isEmpty(), "taken once");
    assertTrue(f.handoffs.isEmpty());
  }

  @Test
  void aClaimStopsTheNotices() {
    f.driver.advanceWallClockTime(Duration.ofMinutes(1));
    f.send(f.action(C, Type.CLAIM, "alice", null));
    assertEquals(Speaker.SYSTEM, onlyMessage().sender(), "only the agent-joined message");

    f.driver.advanceWallClockTime(Duration.ofMinutes(5));

    assertTrue(f.outbound.isEmpty());
    assertEquals(List.of(), deadlines());
    assertNull(f.state(C).queueNoticeAt());
  }

  @Test
  void aTransferToAQueueStartsTheWaitingClockAgain() {
    f.send(f.action(C, Type.CLAIM, "alice", null));
    f.driver.advanceWallClockTime(Duration.ofMinutes(3));
    f.send(f.transfer(C, "alice", null, "billing"));
    f.outbound.readValuesToList();
    Instant next = TopologyFixture.OPEN.plus(Duration.ofMinutes(5));
    assertEquals(List.of(ConversationProcessor.deadlineKey(next, TopologyFixture.key(C))), deadlines());

    f.driver.advanceWallClockTime(Duration.ofMillis(119_900));
    assertTrue(f.outbound.isEmpty());
    f.driver.advanceWallClockTime(Duration.ofMillis(200));

    assertEquals("queue-notice", onlyMessage().reason());
    assertEquals("billing", f.state(C).skill());
  }

  @Test
  void aWakeUpTheStateNoLongerHoldsSendsNothing() {
    // As after a restart that replays an old deadline: the state, not the store, says what is due.
    String key = TopologyFixture.key(C);
    f.deadlines().put(ConversationProcessor.deadlineKey(TopologyFixture.OPEN.plusSeconds(1), key), key);
    f.driver.advanceWallClockTime(Duration.ofSeconds(2));
    assertTrue(f.outbound.isEmpty(), "not due yet");

    f.driver.advanceWallClockTime(Duration.ofMinutes(2));
    OutboundMessage notice = onlyMessage();
    f.deadlines().put(ConversationProcessor.deadlineKey(DUE, key), key); // the fired deadline again
    f.driver.advanceWallClockTime(Duration.ofMillis(200));

    assertTrue(f.outbound.isEmpty(), "no second " + notice.messageId());
    assertTrue(f.stateDlq.isEmpty());
  }
}
