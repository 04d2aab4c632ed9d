package dev.baton.handoff.engine;

import static dev.baton.handoff.engine.EngineFixture.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.schemas.ConversationState;
import dev.baton.schemas.HandoffReason;
import dev.baton.schemas.Owner;
import dev.baton.schemas.ProposedReply;
import dev.baton.schemas.Slot;
import dev.baton.schemas.Slot.SlotType;
import dev.baton.schemas.Speaker;
import dev.baton.schemas.Turn;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Follow-ups are read with the conversation: "and on Sunday?", "it's order 4471902" and "yes
 * please" continue the previous request instead of earning a clarifying question and a handoff
 * for low confidence; messages that are not follow-ups are read as they came.
 */
class FollowUpsTest {
  private static final ProposedReply HOURS = new ProposedReply("We're open Monday to Saturday, 9am to 5pm.", "faq:hours");
  private static final String CLARIFY = "Sorry, I'm not sure I understood. Could you say that another way?";

  private final EngineFixture f = new EngineFixture();

  private Outcome after(ConversationState s, String text, String intent, double confidence, List<Slot> slots,
      ProposedReply reply, Instant at) {
    return f.engine.onEvent(s, f.says(text, intent, confidence, slots, reply, at), at);
  }

  private static Turn lastCustomerTurn(ConversationState s) {
    List<Turn> t = s.transcript();
    for (int i = t.size() - 1; i >= 0; i--) {
      if (t.get(i).speaker() == Speaker.CUSTOMER) {
        return t.get(i);
      }
    }
    throw new AssertionError("no customer turn");
  }

  @Test
  void anEllipticalQuestionAfterAnAnswerGetsTheSameRequestsAnswer() {
    ConversationState s = after(null, "when are you open?", "opening_hours", 0.9, List.of(), HOURS, T0).state();
    Outcome o = after(s, "and on Sunday?", "oos", 0.1, List.of(), null, T0.plusSeconds(20));
    assertEquals(1, o.messages().size(), "one answer");
    assertEquals(HOURS.text(), o.messages().get(0).text());
    assertEquals("faq:hours", o.messages().get(0).reason());
    assertEquals("opening_hours", lastCustomerTurn(o.state()).intent(), "the turn records the inherited request");
    assertEquals(0, o.state().lowConfidenceStrikes());
    assertEquals(Owner.BOT, o.state().owner());
  }

  @Test
  void dataGivenAfterAnUnansweredRequestContinuesIt() {
    // No FAQ answers order tracking: the bot says it cannot help, and the order number that
    // follows goes to a person with the request, not as a second low-confidence message.
    ConversationState s = after(null, "where is my order?", "track_order", 0.9, List.of(), null, T0).state();
    Outcome o = after(s, "it's order 4471902", "oos", 0.05,
        List.of(new Slot(SlotType.ORDER_NUMBER, "4471902")), null, T0.plusSeconds(30));
    assertTrue(o.handoff().isPresent(), "handed to a person");
    assertEquals(HandoffReason.REPEATED_FAILURE, o.handoff().get().reason());
    assertEquals("unanswered", o.handoff().get().audit().rule());
    assertTrue(o.handoff().get().collectedData().contains(new Slot(SlotType.ORDER_NUMBER, "4471902")));
    assertEquals("track_order", lastCustomerTurn(o.state()).intent());
  }

  @Test
  void aShortYesToTheBotsQuestionIsNotALowConfidenceStrike() {
    ProposedReply offer = new ProposedReply("We have a slot on Tuesday at 10am. Shall I book it?", "faq:slots");
    ConversationState s = after(null, "can I come in this week", "book_appointment", 0.8, List.of(), offer, T0).state();
    Outcome o = after(s, "yes please", "oos", 0.2, List.of(), null, T0.plusSeconds(15));
    assertEquals("book_appointment", lastCustomerTurn(o.state()).intent());
    assertEquals(0, o.state().lowConfidenceStrikes());
    assertTrue(o.messages().stream().noneMatch(m -> m.text().equals(CLARIFY)), "no clarifying question");
    assertTrue(o.messages().stream().noneMatch(m -> m.text().equals(offer.text())), "the offer is not repeated");
  }

  @Test
  void messagesThatAreNotFollowUpsAreReadAsTheyCame() {
    // Nothing to follow: the first message of a conversation.
    Outcome first = after(null, "and on Sunday?", "oos", 0.1, List.of(), null, T0);
    assertEquals(CLARIFY, first.messages().get(0).text().substring(first.messages().get(0).text().indexOf("Sorry")));
    assertEquals(1, first.state().lowConfidenceStrikes());

    ConversationState s = after(null, "when are you open?", "opening_hours", 0.9, List.of(), HOURS, T0).state();
    // A new matter, not a continuation.
    Outcome other = after(s, "what's the weather like", "oos", 0.1, List.of(), null, T0.plusSeconds(20));
    assertEquals(CLARIFY, other.messages().get(0).text());
    // Too late to continue: a quarter of an hour later the message stands alone.
    Outcome late = after(s, "and on Sunday?", "oos", 0.1, List.of(), null, T0.plus(FollowUps.WINDOW).plus(Duration.ofMinutes(1)));
    assertEquals(CLARIFY, late.messages().get(0).text());
    // Small talk is not continued.
    ConversationState thanked = after(null, "thanks", "thanks", 0.95, List.of(), null, T0).state();
    Outcome afterThanks = after(thanked, "and on Sunday?", "oos", 0.1, List.of(), null, T0.plusSeconds(5));
    assertEquals(CLARIFY, afterThanks.messages().get(0).text());
  }

  @Test
  void aConfidentNewRequestIsNeverOverridden() {
    ConversationState s = after(null, "when are you open?", "opening_hours", 0.9, List.of(), HOURS, T0).state();
    Outcome o = after(s, "and I want a refund", "get_refund", 0.9, List.of(), null, T0.plusSeconds(20));
    assertEquals("get_refund", lastCustomerTurn(o.state()).intent());
  }
}
