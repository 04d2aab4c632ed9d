package dev.baton.nlp.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.baton.nlp.eval.OosEvaluation.Objective;
import dev.baton.nlp.eval.OosEvaluation.Result;
import dev.baton.nlp.eval.OosEvaluation.Scored;
import dev.baton.nlp.intent.IntentModel.Prediction;
import java.util.List;
import org.junit.jupiter.api.Test;

class OosEvaluationTest {
  private static Scored s(String truth, String best, double conf) {
    return new Scored(truth, new Prediction(best, best, conf, 0, conf));
  }

  @Test
  void rejectsBelowTheThresholdAndPicksTheBestOne() {
    List<Scored> val = List.of(s("a", "a", 0.9), s("b", "b", 0.8), s("a", "b", 0.35), s("oos", "a", 0.3),
        s("oos", "b", 0.2), s("b", "b", 0.6));
    Result at0 = OosEvaluation.at(val, 0);
    assertEquals(0.75, at0.inScopeAccuracy(), 1e-9);
    assertEquals(0.0, at0.oosRecall(), 1e-9);
    Result best = OosEvaluation.pick(val, Objective.ACCURACY);
    assertEquals(0.35, best.threshold(), 1e-9);
    assertEquals(1.0, best.oosRecall(), 1e-9);
    assertEquals(0.75, best.inScopeAccuracy(), 1e-9);
  }

  @Test
  void metricsCountPerClassPrecisionAndRecall() {
    Metrics m = new Metrics();
    m.add("x", "x");
    m.add("x", "y");
    m.add("y", "y");
    m.add("y", "y");
    assertEquals(0.75, m.accuracy(), 1e-9);
    Metrics.ClassScore y = m.perClass().get(1);
    assertEquals(2.0 / 3, y.precision(), 1e-9);
    assertEquals(1.0, y.recall(), 1e-9);
    assertEquals("x", m.topConfusions(1).get(0).truth());
  }
}
