package dev.baton.handoff.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.schemas.AgentAction.Type;
import dev.baton.schemas.AgentActionResult;
import dev.baton.schemas.Channel;
import dev.baton.schemas.ConversationState;
import dev.baton.schemas.EnrichedEvent;
import dev.baton.schemas.EventType;
import dev.baton.schemas.HandoffReason;
import dev.baton.schemas.HandoffRecord;
import dev.baton.schemas.OutboundMessage;
import dev.baton.schemas.Owner;
import dev.baton.schemas.SchemaVersions;
import dev.baton.schemas.Sentiment;
import dev.baton.schemas.Slot;
import dev.baton.schemas.Speaker;
import dev.baton.schemas.Turn;
import dev.baton.schemas.DeadLetter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class HandoffTopologyTest {
  private static final String C = "conv-1";
  private TopologyFixture f = new TopologyFixture();

  @AfterEach
  void close() {
    f.close();
  }

  private HandoffRecord onlyHandoff() {
    List<HandoffRecord> all = f.handoffs.readValuesToList();
    assertEquals(1, all.size(), "handoffs: " + all);
    return all.get(0);
  }

  private void assertNoMoreBotMessages() {
    List<OutboundMessage> rest = f.outbound.readValuesToList();
    assertTrue(rest.stream().noneMatch(m -> m.sender() == Speaker.BOT), "bot spoke after handoff: " + rest);
  }

  @Nested
  class BotAnswers {
    @Test
    void faqGetsTheProposedReplyAndTheFirstReplySaysItIsAVirtualAssistant() {
      f.send(f.faq(C));
      f.send(f.say(C, "when do you open on friday", "opening_hours", 0.9, 0.0, "We're open 8 to 6."));

      List<OutboundMessage> replies = f.outbound.readValuesToList();
      assertEquals(2, replies.size());
      assertEquals("I'm Acme's virtual assistant. We're open 8 to 6.", replies.get(0).text());
      assertEquals("We're open 8 to 6.", replies.get(1).text());
      assertEquals("faq:opening_hours", replies.get(0).reason());
      assertEquals("ev-1:reply", replies.get(0).messageId());
      assertEquals("ev-1", replies.get(0).causationEventId());
      assertEquals(Channel.WHATSAPP, replies.get(0).channel());
      assertEquals("+447700900123", replies.get(0).recipient().phone());
      assertEquals(Owner.BOT, f.state(C).owner());
      assertTrue(f.handoffs.isEmpty());
    }

    @Test
    void sameEventTwiceGivesOneTranscriptEntryAndOneReply() {
      EnrichedEvent e = f.faq(C);
      f.send(e);
      f.send(e);

      assertEquals(1, f.outbound.readValuesToList().size());
      long customerTurns = f.state(C).transcript().stream().filter(t -> t.speaker() == Speaker.CUSTOMER).count();
      assertEquals(1, customerTurns);
    }
  }

  @Nested
  class Triggers {
    @Test
    void explicitRequestHandsOverWithTheWholeTranscriptAndSilencesTheBot() {
      f.send(f.faq(C));
      EnrichedEvent ask = f.say(C, "I want to speak to someone", "contact_human_agent", 0.3, 0.0, null);
      f.send(ask);

      HandoffRecord h = onlyHandoff();
      assertEquals(HandoffReason.EXPLICIT_REQUEST, h.reason());
      assertEquals("acme/" + C + ":1", h.handoffId());
      assertEquals(List.of(Speaker.CUSTOMER, Speaker.BOT, Speaker.CUSTOMER),
          h.transcript().stream().map(Turn::speaker).toList());
      assertEquals("What are your opening hours?", h.transcript().get(0).text());
      assertEquals("I want to speak to someone", h.transcript().get(2).text());
      assertEquals("explicit-request", h.audit().rule());
      assertEquals("\"speak to someone\"", h.audit().observed());
      assertEquals(ask.eventId(), h.audit().eventId());
      assertEquals("7", h.audit().ruleVersion());
      assertEquals("reception", h.skill(), "skill of what the customer wanted, not of 'a person'");
      assertFalse(h.followUp());
      // The opening hours were answered: what they need now is what they asked a person for.
      assertTrue(h.summary().startsWith("Wants: unclear (last said: \"I want to speak to someone\")"), h.summary());
      assertTrue(h.summary().contains("Bot tried: faq:opening_hours"), h.summary());

      List<OutboundMessage> out = f.outbound.readValuesToList();
      assertEquals("A colleague is taking over.", out.get(out.size() - 1).text());
      assertEquals("handoff-notice:explicit-request", out.get(out.size() - 1).reason());
      assertEquals(Owner.QUEUED, f.state(C).owner());

      f.send(f.faq(C));
      f.send(f.say(C, "hello??", null, 0, -0.9, null));
      assertNoMoreBotMessages();
      assertTrue(f.handoffs.isEmpty(), "one handoff per episode");
      assertEquals(6, f.state(C).transcript().size(), "customer turns are still recorded");
    }

    @Test
    void aCustomerWhoHasWaitedLongIsMoreUrgent() {
      f.send(f.say(C, "hmm, the thing", "track_order", 0.2, 0.0, null));
      f.driver.advanceWallClockTime(Duration.ofMinutes(11));
      f.send(f.say(C, "I want to speak to someone", null, 0, 0.0, null));

      assertEquals(2, onlyHandoff().priority(), "explicit request starts at 3; waiting 11 minutes makes it 2");
    }

    @Test
    void explicitRequestIntentEscalatesWhenConfident() {
      f.send(f.say(C, "could I get some help from your staff please", "contact_human_agent", 0.92, 0.0, null));

      HandoffRecord h = onlyHandoff();
      assertEquals(HandoffReason.EXPLICIT_REQUEST, h.reason());
      assertEquals("explicit-request-intent", h.audit().rule());
    }

    @Test
    void keywordsMatchWholeNormalisedWords() {
      f.send(f.say(C, "Is your treatment humane to nervous patients?", "opening_hours", 0.9, 0.0, "Yes."));
      assertTrue(f.handoffs.isEmpty(), "'human' must not fire on 'humane'");

      f.send(f.say(C, "I'd like to make a COMPLAINT!!", "complaint", 0.4, -0.2, null));
      HandoffRecord h = onlyHandoff();
      assertEquals(HandoffReason.KEYWORD, h.reason());
      assertEquals("\"complaint\"", h.audit().observed());
    }

    @Test
    void sentimentBelowThresholdEscalatesAndRaisesPriority() {
      f.send(f.say(C, "this is the worst service ever", "opening_hours", 0.9, -0.8, "We're open 8 to 6."));

      HandoffRecord h = onlyHandoff();
      assertEquals(HandoffReason.NEGATIVE_SENTIMENT, h.reason());
      assertEquals("negative-sentiment", h.audit().rule());
      assertEquals("score -0.80", h.audit().observed());
      assertEquals("score < -0.60", h.audit().threshold());
      assertEquals(1, h.priority());
    }

    @Test
    void angerEscalatesEvenWithAMildScore() {
      Sentiment angry = new Sentiment("negative", -0.3, Map.of("anger", 0.85), "test");
      f.send(f.say(C, "where is my parcel", "track_order", 0.9, angry, "It's on its way."));

      HandoffRecord h = onlyHandoff();
      assertEquals("anger", h.audit().rule());
      assertEquals("tracking", h.skill());
    }

    @Test
    void fallingSentimentOverTheWindowEscalates() {
      f.send(f.say(C, "hi, what are your hours", "opening_hours", 0.9, 0.3, "8 to 6."));
      f.send(f.say(C, "and on saturdays", "opening_hours", 0.9, -0.1, "Closed."));
      assertTrue(f.handoffs.isEmpty());
      f.send(f.say(C, "that's not great, really", "opening_hours", 0.9, -0.55, "Sorry."));

      HandoffRecord h = onlyHandoff();
      assertEquals("falling-sentiment", h.audit().rule());
      assertTrue(h.audit().observed().contains("drop 0.85"), h.audit().observed());
    }

    @Test
    void firstLowConfidenceMessageGetsAClarifyingQuestionTheSecondEscalates() {
      f.send(f.say(C, "the thingy with the stuff", "track_order", 0.2, 0.0, null));
      List<OutboundMessage> first = f.outbound.readValuesToList();
      assertEquals(1, first.size());
      assertEquals("clarify:low-confidence", first.get(0).reason());
      assertTrue(f.handoffs.isEmpty());

      f.send(f.say(C, "you know, the whatsit", "opening_hours", 0.3, 0.0, "8 to 6."));
      HandoffRecord h = onlyHandoff();
      assertEquals(HandoffReason.LOW_CONFIDENCE, h.reason());
      assertTrue(h.audit().observed().contains("strike 2"), h.audit().observed());
      assertEquals("confidence < 0.50, 2 strike(s)", h.audit().threshold());
    }

    @Test
    void confidentAnswerResetsTheStrikes() {
      f.send(f.say(C, "hmm", "track_order", 0.2, 0.0, null));
      f.send(f.faq(C));
      f.send(f.say(C, "erm", "track_order", 0.2, 0.0, null));
      assertTrue(f.handoffs.isEmpty());
    }

    @Test
    void messagesTheBotCannotAnswerEscalateAfterTheConfiguredStreak() {
      f.send(f.say(C, "can you fix my crown", "dental_repair", 0.9, 0.0, null));
      assertEquals("fallback:no-answer", f.outbound.readValuesToList().get(0).reason());
      f.send(f.say(C, "my crown fell off", "dental_repair", 0.9, 0.0, null));

      HandoffRecord h = onlyHandoff();
      assertEquals(HandoffReason.REPEATED_FAILURE, h.reason());
      assertEquals("unanswered", h.audit().rule());
    }

    @Test
    void repeatingTheSameQuestionEscalates() {
      f.send(f.faq(C));
      f.send(f.faq(C));

      HandoffRecord h = onlyHandoff();
      assertEquals("repeated-question", h.audit().rule());
    }

    @Test
    void humanOnlyIntentsEscalate() {
      f.send(f.say(C, "I want my money back for the whitening", "get_refund", 0.88, 0.0, null));

      HandoffRecord h = onlyHandoff();
      assertEquals(HandoffReason.SENSITIVE_TOPIC, h.reason());
      assertEquals("billing", h.skill());
    }

    @Test
    void dataTheBotCollectedTravelsWithTheHandoff() {
      EnrichedEvent e = f.say(C, "order ORD-12345 is late, speak to someone", "track_order", 0.9, 0.0, null);
      f.send(e.withRouting(e.intent(), List.of(new Slot(Slot.SlotType.ORDER_NUMBER, "ORD-12345")), null));

      assertEquals(List.of(new Slot(Slot.SlotType.ORDER_NUMBER, "ORD-12345")), onlyHandoff().collectedData());
    }
  }

  @Nested
  class VoiceCalls {
    private static final String CALL = "call-1";

    @Test
    void silenceEscalatesBetweenFiveAndFivePointFiveSeconds() {
      f.send(f.callEvent(CALL, EventType.CALL_STARTED));
      f.driver.advanceWallClockTime(Duration.ofMillis(4900));
      assertTrue(f.handoffs.isEmpty(), "not before 5 s");

      f.driver.advanceWallClockTime(Duration.ofMillis(200));
      HandoffRecord h = onlyHandoff();
      assertEquals(HandoffReason.SILENCE, h.reason());
      long silentMs = Long.parseLong(h.audit().observed().split(" ")[0]);
      assertTrue(silentMs >= 5000 && silentMs <= 5500, h.audit().observed());
      assertEquals("> 5000 ms", h.audit().threshold());
      assertEquals(Owner.QUEUED, f.state(CALL).owner());
      ConversationState queued = f.state(CALL);
      assertNull(queued.silenceDeadline());
      List<String> open = new java.util.ArrayList<>();
      try (var it = f.deadlines().all()) {
        it.forEachRemaining(kv -> open.add(kv.key));
      }
      assertEquals(List.of(ConversationProcessor.deadlineKey(queued.queueNoticeAt(), TopologyFixture.key(CALL))), open,
          "the silence deadline removed once fired; only the caller's first waiting notice is due");
    }

    @Test
    void speechRestartsTheSilenceClockFromTheEstimatedEndOfTheReply() {
      f.send(f.callEvent(CALL, EventType.CALL_STARTED));
      f.driver.advanceWallClockTime(Duration.ofMillis(4000));
      // "I'm Acme's virtual assistant. 8 to 6.": 7 words and 2 sentences, 3.8 s to say.
      f.send(f.speech(CALL, "what are your opening hours", "opening_hours", 0.9, "8 to 6."));
      f.driver.advanceWallClockTime(Duration.ofMillis(8700));
      assertTrue(f.handoffs.isEmpty(), "12.7 s into the call but only 4.9 s of silence after the reply ended");

      f.driver.advanceWallClockTime(Duration.ofMillis(200));
      assertEquals(HandoffReason.SILENCE, onlyHandoff().reason());
    }

    @Test
    void anEndedCallOrAChatIsNeverEscalatedForSilence() {
      f.send(f.callEvent(CALL, EventType.CALL_STARTED));
      f.send(f.callEvent(CALL, EventType.CALL_ENDED));
      f.send(f.faq(C));
      f.driver.advanceWallClockTime(Duration.ofSeconds(60));

      assertTrue(f.handoffs.isEmpty());
    }

    @Test
    void missedCallGetsOneWhatsAppAcknowledgementAndOneFollowUpEvenIfDeliveredTwice() {
      EnrichedEvent missed = f.callEvent(CALL, EventType.CALL_MISSED);
      f.send(missed);
      f.send(missed);

      List<OutboundMessage> out = f.outbound.readValuesToList();
      assertEquals(1, out.size());
      assertEquals(Channel.WHATSAPP, out.get(0).channel());
      assertEquals("Sorry we missed your call to Acme Dental.", out.get(0).text());
      assertEquals("+447700900123", out.get(0).recipient().phone());
      HandoffRecord h = onlyHandoff();
      assertEquals(HandoffReason.MISSED_CALL, h.reason());
      assertTrue(h.followUp());
    }
  }

  @Nested
  class Ownership {
    private void escalate() {
      f.send(f.faq(C));
      f.send(f.say(C, "speak to a human please", null, 0, 0.0, null));
      f.outbound.readValuesToList();
      f.handoffs.readValuesToList();
    }

    @Test
    void claimReplyHandBackAndAFreshEpisode() {
      escalate();
      f.send(f.action(C, Type.CLAIM, "alice", null));
      assertEquals(Owner.AGENT, f.state(C).owner());
      assertEquals("You're now talking with Alice, who can see our conversation so far.",
          f.outbound.readValuesToList().get(0).text());

      f.send(f.action(C, Type.REPLY, "alice", "Hi Ana, Alice here."));
      OutboundMessage reply = f.outbound.readValue();
      assertEquals(Speaker.AGENT, reply.sender());
      assertEquals("alice", reply.agentId());
      f.send(f.faq(C));
      assertTrue(f.outbound.isEmpty(), "the bot is silent while an agent owns the conversation");

      f.send(f.action(C, Type.HAND_BACK, "alice", null));
      ConversationState s = f.state(C);
      assertEquals(Owner.BOT, s.owner());
      assertEquals(2, s.episode());
      f.send(f.say(C, "and where are you?", "location", 0.9, 0.0, "12 High Street."));
      assertEquals("12 High Street.", f.outbound.readValue().text());

      f.send(f.say(C, "I want to talk to a person again", null, 0, 0.0, null));
      assertEquals("acme/" + C + ":2", onlyHandoff().handoffId());
    }

    @Test
    void onlyTheOwningAgentMayReplyAndRefusedActionsAreAnsweredNotDeadLettered() {
      escalate();
      f.send(f.action(C, Type.REPLY, "alice", "too early"));
      f.send(f.action(C, Type.CLAIM, "alice", null));
      f.send(f.action(C, Type.REPLY, "mallory", "hijack"));
      f.send(f.action("no-such-conversation", Type.CLAIM, "alice", null));

      List<AgentActionResult> refused = f.results.readValuesToList().stream()
          .filter(r -> r.outcome() == AgentActionResult.Outcome.REFUSED).toList();
      assertEquals(3, refused.size(), refused.toString());
      assertTrue(refused.get(0).reason().contains("cannot reply: conversation is QUEUED"));
      assertTrue(refused.get(1).reason().contains("owned by alice"));
      assertTrue(refused.get(2).reason().contains("no conversation"));
      assertTrue(f.actionsDlq.isEmpty());
      assertTrue(f.outbound.readValuesToList().stream().noneMatch(m -> "hijack".equals(m.text())));
    }

    @Test
    void resolvedConversationIsDeletedAfterTheRetentionWithATombstone() {
      escalate();
      f.send(f.action(C, Type.CLAIM, "alice", null));
      f.send(f.action(C, Type.RESOLVE, "alice", null));
      assertEquals(Owner.RESOLVED, f.state(C).owner());
      f.states.readRecordsToList();

      f.driver.advanceWallClockTime(Duration.ofDays(6));
      assertEquals(Owner.RESOLVED, f.state(C).owner());
      f.driver.advanceWallClockTime(Duration.ofDays(1).plusMinutes(2));

      assertNull(f.state(C));
      List<TestRecord<String, ConversationState>> published = f.states.readRecordsToList();
      TestRecord<String, ConversationState> last = published.get(published.size() - 1);
      assertEquals(TopologyFixture.key(C), last.key());
      assertNull(last.value(), "tombstone");
    }

    @Test
    void aCustomerWritingAfterResolutionOpensANewEpisode() {
      escalate();
      f.send(f.action(C, Type.RESOLVE, "alice", null));
      f.send(f.faq(C));

      assertEquals(Owner.BOT, f.state(C).owner());
      assertEquals(2, f.state(C).episode());
      assertEquals(1, f.outbound.readValuesToList().size());
    }
  }

  @Nested
  class BadInput {
    @Test
    void poisonRecordIsDeadLetteredAndTheTopologyKeepsGoing() {
      f.events.pipeInput(TopologyFixture.key(C), "{not json".getBytes(StandardCharsets.UTF_8));
      f.events.pipeInput(TopologyFixture.key(C), "{\"schemaVersion\":1,\"event\":{\"type\":\"TELEPATHY\"}}".getBytes(StandardCharsets.UTF_8));
      f.send(f.faq(C));

      List<DeadLetter> letters = f.eventsDlq.readValuesToList();
      assertEquals(2, letters.size());
      assertTrue(letters.get(0).reason().startsWith("not a valid EnrichedEvent"), letters.get(0).reason());
      assertEquals("{not json", letters.get(0).payload());
      assertEquals("handoff-service", letters.get(0).failedBy());
      assertEquals(1, f.outbound.readValuesToList().size(), "the next record is processed");
    }

    @Test
    void anUnknownTenantIsRefused() {
      var unknown = new dev.baton.schemas.ConversationEvent(SchemaVersions.CURRENT, "ev-y",
          EventType.CUSTOMER_MESSAGE, "nobody", "conv-9", Channel.SMS, Instant.now(), null, "hi", null, Map.of());
      f.send(EnrichedEvent.of(unknown));

      assertEquals("unknown tenant nobody", f.eventsDlq.readValue().reason());
    }

    @Test
    void recordKeyedByAnythingButItsConversationIsRefused() {
      EnrichedEvent e = f.faq(C);
      f.events.pipeInput("wrong-key", dev.baton.schemas.topic.Topics.ENRICHED_EVENTS.valueSerde().serializer().serialize("x", e));

      assertTrue(f.eventsDlq.readValue().reason().contains("is not the conversation key"));
      assertNull(f.state(C));
    }
  }

  @Nested
  class PerTenantRules {
    private EnrichedEvent strict(String conversation, EventType type, Channel channel, String text, String intent,
        double confidence) {
      var e = f.event("strict", "ev-" + UUID.randomUUID(), conversation, type, channel, text);
      return text == null ? EnrichedEvent.of(e)
          : new EnrichedEvent(SchemaVersions.CURRENT, e, new Sentiment("neutral", 0, Map.of(), "t"),
              new dev.baton.schemas.Intent(intent, confidence, null, "t"), List.of(), null);
    }

    @Test
    void eachTenantsOwnKeywordsStrikesAndSilenceTimeoutApply() {
      f.send(strict("s-1", EventType.CUSTOMER_MESSAGE, Channel.SMS, "I want a REFUND", "order_status", 0.9));
      assertEquals("keyword", onlyHandoff().audit().rule());

      f.send(strict("s-2", EventType.CUSTOMER_MESSAGE, Channel.SMS, "blah", "order_status", 0.1));
      assertEquals("low-confidence", onlyHandoff().audit().rule(), "one strike is enough for this tenant");

      f.send(strict("s-3", EventType.CALL_STARTED, Channel.VOICE, null, null, 0));
      f.driver.advanceWallClockTime(Duration.ofMillis(2100));
      HandoffRecord h = onlyHandoff();
      assertEquals("silence", h.audit().rule());
      assertEquals("> 2000 ms", h.audit().threshold());

      // The same words from acme's customer do not escalate: acme's keywords differ.
      f.send(f.say(C, "I want a REFUND", "opening_hours", 0.9, 0.0, "8 to 6"));
      assertTrue(f.handoffs.isEmpty());
    }
  }

  @Nested
  class AfterHours {
    @Test
    void handoffIsStillWrittenMarkedForFollowUpAndTheCustomerIsToldWhen() {
      f.close();
      f = new TopologyFixture(Instant.parse("2026-11-28T15:00:00Z")); // Saturday

      f.send(f.say(C, "I want to speak to someone", null, 0, 0.0, null));

      HandoffRecord h = onlyHandoff();
      assertTrue(h.followUp());
      assertEquals(4, h.priority());
      assertEquals("I'm Acme's virtual assistant. We're closed; a colleague will answer on Monday at 08:00.",
          f.outbound.readValue().text());
    }
  }
}
