package dev.p2g.render;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class FastExpTest {
  /** Relative error against Math.exp over the range the renderer's recurrence uses, on a grid and at random. */
  @Test
  void agreesWithMathExp() {
    double worst = 0;
    for (double x = -700; x <= 700; x += 0.0137) {
      worst = Math.max(worst, Math.abs(FastExp.exp(x) / Math.exp(x) - 1));
    }
    Random rnd = new Random(3);
    for (int i = 0; i < 1_000_000; i++) {
      double x = (rnd.nextDouble() * 2 - 1) * (i % 2 == 0 ? 700 : 1);
      worst = Math.max(worst, Math.abs(FastExp.exp(x) / Math.exp(x) - 1));
    }
    assertTrue(worst < 1e-13, "worst relative error " + worst);
    assertTrue(FastExp.exp(0) == 1.0, "exp(0) is exactly 1");
  }
}
