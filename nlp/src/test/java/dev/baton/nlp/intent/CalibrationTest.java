package dev.baton.nlp.intent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class CalibrationTest {
  @Test
  void learnsHowOftenEachScoreIsRightAndStaysMonotone() {
    // Raw scores that are over-confident: right with probability score^2.
    Random rnd = new Random(1);
    int n = 20_000;
    double[] s = new double[n];
    boolean[] y = new boolean[n];
    for (int i = 0; i < n; i++) {
      s[i] = rnd.nextDouble();
      y[i] = rnd.nextDouble() < s[i] * s[i];
    }
    Calibration c = Calibration.fit(s, y);
    assertEquals(0.25, c.apply(0.5), 0.05);
    assertEquals(0.81, c.apply(0.9), 0.05);
    double prev = -1;
    for (double x = 0; x <= 1; x += 0.01) {
      assertTrue(c.apply(x) >= prev - 1e-12, "not monotone at " + x);
      prev = c.apply(x);
    }
  }

  @Test
  void serialisesToTheSameMap() {
    Calibration c = Calibration.fit(new double[] {0.1, 0.4, 0.6, 0.9, 0.95}, new boolean[] {false, false, true, true, true});
    Calibration back = Calibration.parse(c.serialize());
    for (double x = 0; x <= 1; x += 0.05) {
      assertEquals(c.apply(x), back.apply(x), 1e-6);
    }
    assertEquals(0.3, Calibration.identity().apply(0.3), 1e-12);
  }
}
