package dev.baton.nlp.intent;

import dev.baton.nlp.IntentClassifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.nlp.IntentModels;
import dev.baton.nlp.IntentScore;
import dev.baton.nlp.intent.TenantIntentClassifier.StageCalibration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The tenant stage's confidence is calibrated on held-out folds of the tenant's own examples. */
class TenantCalibrationTest {

  @Test
  void aTenantWithEnoughExamplesGetsAMonotoneCalibrationFromHeldOutPredictions() {
    TenantIntentClassifier dental = (TenantIntentClassifier) tenantStage(IntentModels.forTenant("demo-dental",
        Map.of("opening_hours", List.of("what are your opening hours", "when are you open"))));
    StageCalibration c = dental.tenantCalibration();
    assertTrue(c.points() >= 20, c.summary());
    double previous = -1;
    for (double raw = 0.05; raw <= 1.0; raw += 0.05) {
      double v = c.apply(raw);
      assertTrue(v >= previous - 1e-12 && v >= 0 && v <= 1, "monotone in [0, 1] at " + raw + ": " + v);
      previous = v;
    }
    // The shrinkage toward the raw probability keeps a few dozen points from claiming certainty.
    assertTrue(c.apply(0.55) < 0.999, "0.55 -> " + c.apply(0.55));
    IntentScore cancel = dental.classify("I have to cancel my appointment on Thursday");
    assertEquals("cancel_appointment", cancel.label());
    assertTrue(cancel.confidence() > 0.6, "a clear tenant request keeps a high confidence: " + cancel.confidence());
  }

  @Test
  void aTenantWithAHandfulOfExamplesKeepsTheRawProbability() {
    TenantIntentClassifier tiny = (TenantIntentClassifier) tenantStage(IntentModels.forTenant("tiny-shop",
        Map.of("opening_hours", List.of("when are you open", "what are your hours", "are you open on sunday"),
            "location", List.of("where is the shop", "what is your address"))));
    assertEquals(0, tiny.tenantCalibration().points());
    assertEquals(0.42, tiny.tenantCalibration().apply(0.42), 1e-12);
    assertEquals("opening_hours", tiny.classify("are you open on saturday").label());
  }

  private static IntentClassifier tenantStage(IntentClassifier c) {
    return c instanceof ClauseScoringClassifier clauses ? clauses.whole() : c;
  }
}
