package dev.baton.nlp.intent;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Maps a model's raw top probability to the probability that the answer is right, learnt by
 * isotonic regression (pool-adjacent-violators) on held-out predictions: monotone, so ranking
 * and thresholds keep their order, but a confidence of 0.8 means right about 80% of the time on
 * data like the held-out folds. Stored as breakpoints and interpolated linearly between them.
 */
public final class Calibration {
  private final double[] xs;
  private final double[] ys;

  private Calibration(double[] xs, double[] ys) {
    this.xs = xs;
    this.ys = ys;
  }

  /** The identity map (no calibration data). */
  public static Calibration identity() {
    return new Calibration(new double[] {0, 1}, new double[] {0, 1});
  }

  /**
   * Fits the map on pairs of (raw score, 1 if the prediction was right else 0).
   *
   * @param scores raw scores
   * @param correct whether each prediction was right
   */
  public static Calibration fit(double[] scores, boolean[] correct) {
    int n = scores.length;
    if (n == 0) {
      return identity();
    }
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Double.compare(scores[a], scores[b]));
    // Pool adjacent violators over blocks of (sum x, sum y, weight).
    List<double[]> blocks = new ArrayList<>();
    for (int k = 0; k < n; k++) {
      int i = order[k];
      blocks.add(new double[] {scores[i], correct[i] ? 1 : 0, 1});
      while (blocks.size() > 1) {
        double[] last = blocks.get(blocks.size() - 1);
        double[] prev = blocks.get(blocks.size() - 2);
        if (prev[1] / prev[2] >= last[1] / last[2]) {
          prev[0] += last[0];
          prev[1] += last[1];
          prev[2] += last[2];
          blocks.remove(blocks.size() - 1);
        } else {
          break;
        }
      }
    }
    // Shrink each block's rate a little towards 1/2 (Laplace) so tiny blocks are not 0 or 1.
    List<double[]> pts = new ArrayList<>();
    pts.add(new double[] {0, 0});
    for (double[] b : blocks) {
      double x = b[0] / b[2];
      double y = (b[1] + 0.5) / (b[2] + 1);
      pts.add(new double[] {x, y});
    }
    pts.add(new double[] {1, pts.get(pts.size() - 1)[1]});
    double[] xs = new double[pts.size()];
    double[] ys = new double[pts.size()];
    double maxY = 0;
    for (int i = 0; i < pts.size(); i++) {
      xs[i] = pts.get(i)[0];
      maxY = Math.max(maxY, pts.get(i)[1]);
      ys[i] = maxY;
    }
    return new Calibration(xs, ys);
  }

  public double apply(double score) {
    if (score <= xs[0]) {
      return ys[0];
    }
    for (int i = 1; i < xs.length; i++) {
      if (score <= xs[i]) {
        double span = xs[i] - xs[i - 1];
        double t = span <= 0 ? 1 : (score - xs[i - 1]) / span;
        return ys[i - 1] + t * (ys[i] - ys[i - 1]);
      }
    }
    return ys[ys.length - 1];
  }

  /** Breakpoints as {@code x:y x:y ...}. */
  public String serialize() {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < xs.length; i++) {
      if (i > 0) {
        sb.append(' ');
      }
      sb.append(String.format(Locale.ROOT, "%.6f:%.6f", xs[i], ys[i]));
    }
    return sb.toString();
  }

  public static Calibration parse(String s) {
    if (s == null || s.isBlank()) {
      return identity();
    }
    String[] parts = s.trim().split("\\s+");
    double[] xs = new double[parts.length];
    double[] ys = new double[parts.length];
    for (int i = 0; i < parts.length; i++) {
      String[] xy = parts[i].split(":");
      xs[i] = Double.parseDouble(xy[0]);
      ys[i] = Double.parseDouble(xy[1]);
    }
    return new Calibration(xs, ys);
  }

  public int size() {
    return xs.length;
  }
}
