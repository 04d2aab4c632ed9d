package dev.baton.nlp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Behaviour of the shipped intent models on hand-picked messages. */
public class IntentModelsTest {
  /** demo-dental's FAQ entries, as in deploy/tenants.yaml. */
  static final Map<String, List<String>> DENTAL_FAQ =
      Map.of(
          "opening_hours",
          List.of("what are your opening hours", "when are you open", "what time do you open",
              "are you open on saturday", "what time do you close today"),
          "location",
          List.of("where are you", "what is your address", "how do I find the practice",
              "is there parking near the clinic"),
          "confirm_appointment",
          List.of("I want to confirm my appointment", "yes I can make it tomorrow",
              "confirming my check-up on Tuesday", "is my appointment still on"));

  /** Ways of asking for a person, and out-of-scope questions: the same for every intent model. */
  public static final List<String> ASKING_FOR_A_PERSON =
      List.of("can I talk to a real person", "I want to speak to someone", "let me talk to an agent please");
  public static final List<String> OUT_OF_SCOPE = List.of("what's the weather on Mars",
      "who won the football last night", "can you recommend a good pasta recipe", "how far is the moon");

  static IntentClassifier dental;
  static long dentalBuildMillis;

  @BeforeAll
  static void build() {
    IntentModels.defaultModel();
    long t0 = System.nanoTime();
    dental = IntentModels.forTenant("demo-dental", DENTAL_FAQ);
    dentalBuildMillis = (System.nanoTime() - t0) / 1_000_000;
  }

  @Test
  void tenantClassifierBuildsInAFewSeconds() {
    // ~1-2 s on an idle core; generous bound for a loaded CI machine.
    assertTrue(dentalBuildMillis < 20_000, "took " + dentalBuildMillis + " ms");
  }

  @Test
  void faqQuestionMatchesItsIntentWithHighConfidence() {
    IntentScore s = dental.classify("What are your opening hours?");
    assertEquals("opening_hours", s.label());
    assertTrue(s.confidence() > 0.8, "confidence " + s.confidence());
    assertEquals("location", dental.classify("whats the address of the practice").label());
  }

  @Test
  void askingForAPersonIsRecognisedWithHighConfidence() {
    for (String text : ASKING_FOR_A_PERSON) {
      IntentScore s = dental.classify(text);
      assertEquals("contact_human_agent", s.label(), text);
      assertTrue(s.confidence() > 0.8, text + ": confidence " + s.confidence());
    }
    IntentScore d = new ModelOnly().classify("can I talk to a real person");
    assertEquals("contact_human_agent", d.label());
    assertTrue(d.confidence() > 0.8, "default model confidence " + d.confidence());
  }

  @Test
  void outOfScopeTextHasLowConfidence() {
    for (String text : OUT_OF_SCOPE) {
      IntentScore s = dental.classify(text);
      assertTrue(s.confidence() < 0.3, text + " -> " + s);
      IntentScore d = new ModelOnly().classify(text);
      assertTrue(d.confidence() < 0.3, text + " (default model) -> " + d);
    }
  }

  @Test
  void tenantCustomIntentsFromTheShippedCsvWin() {
    assertEquals("cancel_appointment", dental.classify("I have to cancel my appointment on Thursday").label());
    assertEquals("reschedule_appointment", dental.classify("could we move my check-up to next week?").label());
    assertEquals("dental_emergency", dental.classify("my tooth is killing me, it's really painful").label());
  }

  @Test
  void defaultCustomerServiceIntentsStillWork() {
    assertEquals("track_order", dental.classify("where is my order ORD-12345?").label());
    IntentScore refund = new ModelOnly().classify("I want my money back for the broken kettle");
    assertEquals("get_refund", refund.label());
    assertEquals("complaint", new ModelOnly().classify("I want to make a complaint about your staff").label());
  }

  @Test
  void parcelTenantSharesAnIntentWithTheDefaultModel() {
    IntentClassifier parcels =
        IntentModels.forTenant("demo-parcels", Map.of("delivery_period",
            List.of("when will my parcel arrive", "how long does delivery take", "what time do drivers deliver")));
    IntentScore s = parcels.classify("how long will delivery take to Leeds");
    assertEquals("delivery_period", s.label());
    assertTrue(s.confidence() > 0.6, "confidence " + s.confidence());
    assertEquals("damage_report", parcels.classify("the box arrived crushed and the vase is smashed").label());
  }

  /** The default model alone, as an IntentClassifier. */
  static final class ModelOnly implements IntentClassifier {
    @Override
    public IntentScore classify(String text) {
      var p = IntentModels.defaultModel().predict(text);
      return new IntentScore(p.label(), p.confidence());
    }

    @Override
    public String modelName() {
      return IntentModels.defaultModel().name();
    }
  }
}
