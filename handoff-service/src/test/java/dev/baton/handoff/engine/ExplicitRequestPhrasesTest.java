package dev.baton.handoff.engine;

import dev.baton.tenant.PhraseMatcher;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.tenant.EscalationRules;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A request for a person, however it is phrased — a question, a call into silence, a refusal of
 * the bot, a voice transcript without punctuation or capitals — matches a default explicit-request
 * phrase; ordinary sentences that share a word with one do not.
 */
class ExplicitRequestPhrasesTest {
  private static final PhraseMatcher DEFAULTS = new PhraseMatcher(EscalationRules.DEFAULTS.explicitRequestPhrases());

  @Test
  void requestsForAPersonAsCustomersPhraseThemMatch() {
    List<String> requests = List.of(
        "Who can I talk to about this?",
        "who can i speak to about my bill",
        "Hello?? Is anybody there?",
        "is anyone there",
        "Stop, I don't want a robot",
        "i dont want a bot i want help",
        "You're not a bot are you? I need someone from your team",
        "please put me through to the billing department",
        "can you transfer me",
        "I'd like to speak with someone",
        "can i talk to somebody please",
        "yes hello i need to talk to someone about my appointment it is urgent");
    for (String r : requests) {
      assertTrue(DEFAULTS.find(r).isPresent(), "not recognised as a request for a person: " + r);
    }
  }

  @Test
  void sentencesThatOnlyShareAWordDoNotMatch() {
    List<String> ordinary = List.of(
        "Is my parcel there yet?",
        "who can deliver on Saturday",
        "the robot vacuum I bought stopped working",
        "please transfer the money back to my card",
        "put me down for 3pm");
    for (String o : ordinary) {
      assertTrue(DEFAULTS.find(o).isEmpty(), "read as a request for a person: " + o + " -> " + DEFAULTS.find(o));
    }
  }
}
