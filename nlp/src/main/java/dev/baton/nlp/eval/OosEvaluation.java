package dev.baton.nlp.eval;

import dev.baton.nlp.intent.IntentModel;
import dev.baton.nlp.intent.IntentModel.Prediction;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Out-of-scope evaluation (CLINC150 protocol): a message is rejected as {@code oos} when the model
 * picks its {@code oos} category or its confidence is below a threshold; in-scope accuracy counts
 * in-scope messages given their right intent (a rejection is an error), out-of-scope recall the
 * out-of-scope messages rejected.
 */
public final class OosEvaluation {
  /** One labelled prediction. */
  public record Scored(String truth, Prediction prediction) {}

  /** The figures at one threshold. */
  public record Result(double threshold, double inScopeAccuracy, double oosRecall, double accuracy,
      int inScope, int outOfScope) {
    public double balanced() {
      return inScopeAccuracy + oosRecall;
    }
  }

  private OosEvaluation() {}

  public static String decide(Prediction p, double threshold) {
    return p.label().equals(IntentModel.OOS) || p.confidence() < threshold ? IntentModel.OOS : p.bestIntent();
  }

  public static Result at(List<Scored> scored, double threshold) {
    int in = 0;
    int inRight = 0;
    int out = 0;
    int outRight = 0;
    for (Scored s : scored) {
      String d = decide(s.prediction(), threshold);
      if (s.truth().equals(IntentModel.OOS)) {
        out++;
        if (d.equals(IntentModel.OOS)) {
          outRight++;
        }
      } else {
        in++;
        if (d.equals(s.truth())) {
          inRight++;
        }
      }
    }
    return new Result(threshold, in == 0 ? 0 : (double) inRight / in, out == 0 ? 0 : (double) outRight / out,
        (double) (inRight + outRight) / Math.max(1, in + out), in, out);
  }

  /** How to choose the threshold. */
  public enum Objective {
    /** Overall accuracy with out-of-scope as one more class (the CLINC150 paper's choice). */
    ACCURACY,
    /** In-scope accuracy plus out-of-scope recall, each weighted equally. */
    BALANCED
  }

  /** Every candidate threshold with its figures, in increasing order of threshold. */
  public static List<Result> sweep(List<Scored> scored) {
    TreeSet<Double> candidates = new TreeSet<>();
    candidates.add(0.0);
    for (Scored s : scored) {
      candidates.add(s.prediction().confidence());
    }
    List<Result> out = new ArrayList<>();
    // Thresholds at observed confidences (a message with confidence == t is kept).
    for (double t : candidates) {
      out.add(at(scored, t));
    }
    return out;
  }

  public static Result pick(List<Scored> scored, Objective objective) {
    Result best = null;
    for (Result r : sweep(scored)) {
      double v = objective == Objective.ACCURACY ? r.accuracy() : r.balanced();
      double b = best == null ? -1 : objective == Objective.ACCURACY ? best.accuracy() : best.balanced();
      if (v > b + 1e-12) {
        best = r;
      }
    }
    return best;
  }
}
