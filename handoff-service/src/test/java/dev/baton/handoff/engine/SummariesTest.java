package dev.baton.handoff.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.baton.schemas.Speaker;
import dev.baton.schemas.Turn;
import dev.baton.tenant.TenantConfig;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The handoff summary names what the customer needs now, not a topic the bot already dealt with. */
class SummariesTest {
  private static final TenantConfig ACME = EngineFixture.TENANTS.find("acme").orElseThrow();
  private static final Instant T = Instant.parse("2026-11-23T10:00:00Z");

  private static Turn customer(String text, String intent, double confidence) {
    return new Turn("ev-" + text.hashCode(), Speaker.CUSTOMER, text, T, intent, confidence, null, null, null, null);
  }

  private static Turn bot(String text, String reason) {
    return new Turn("b-" + text.hashCode(), Speaker.BOT, text, T, null, null, null, null, null, reason);
  }

  private static String wants(Turn... turns) {
    List<Turn> list = List.of(turns);
    int last = -1;
    for (int i = list.size() - 1; i >= 0 && last < 0; i--) {
      last = list.get(i).speaker() == Speaker.CUSTOMER ? i : -1;
    }
    return Summaries.wants(list, last, ACME);
  }

  @Test
  void theMessageThatEscalatedIsWhatTheyWantWhenItWasUnderstood() {
    assertEquals("refund", wants(customer("where are you", "location", 0.9), bot("12 High Street", "faq:location"),
        customer("I want my money back, you charged me twice", "refund", 0.8)));
  }

  @Test
  void aComplaintTheBotCouldNotReadIsUnclearNotTheEarlierAnsweredQuestion() {
    // Today's finding: a billing complaint after a location FAQ read "Wants: location".
    assertEquals("unclear", wants(customer("where are you", "location", 0.9), bot("12 High Street", "faq:location"),
        customer("this is outrageous, I was billed for nothing", "oos", 0.1)));
  }

  @Test
  void askingForAPersonPointsToTheLastRequestTheBotDidNotAnswer() {
    assertEquals("refund", wants(customer("I want a refund", "refund", 0.9), bot("Sorry, I can't help", "fallback"),
        customer("let me talk to a human", "contact_human_agent", 0.95)));
    assertEquals("unclear", wants(customer("where are you", "location", 0.9), bot("12 High Street", "faq:location"),
        customer("let me talk to a human", "contact_human_agent", 0.95)));
  }
}
