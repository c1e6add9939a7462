package dev.p2g.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.p2g.field.FieldContract;
import dev.p2g.field.FloatImage;
import dev.p2g.field.GaussianField;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The CPU renderer's two ways of weighing a Gaussian's samples (SplatRow): by recurrence, and by
 * GaussianWeights' table for the Gaussians the recurrence cannot take. Fields built so that
 * every Gaussian takes one way are checked against the float64 reference; the recurrence, exact
 * up to float accumulation, is held to a tighter bound than the table.
 */
class SplatRowTest {

  /** shape: round (recurrence), thin (|rho| > 0.98: table), tiny (sigma far below a sample step: table). */
  @ParameterizedTest(name = "{0} Gaussians, k={1}, scale {2}")
  @CsvSource({"round,2,2", "round,2,4", "round,1,8", "round,2,0.5", "round,1,1.7", "thin,2,4", "thin,1,2",
      "tiny,1,1", "tiny,2,0.5"})
  void eachWayMatchesTheReference(String shape, int k, double scale) {
    GaussianField field = field(shape, 11, 8, k, 7L * k + shape.hashCode());
    SampleGrid grid = SampleGrid.of(field.width(), field.height(), Scale.of(scale));
    boolean recurrence = shape.equals("round");
    int agree = 0;
    for (int i = 0; i < field.count(); i++) {
      double l11 = field.get(FieldContract.L11, i);
      double l21 = field.get(FieldContract.L21, i);
      double l22 = field.get(FieldContract.L22, i);
      double sx = (double) field.width() / grid.width();
      double sy = (double) field.height() / grid.height();
      if (SplatRow.recurrenceIsExact(l11 * l11, l11 * l21, l21 * l21 + l22 * l22, sx, sy) == recurrence) {
        agree++;
      }
    }
    assertEquals(field.count(), agree, "Gaussians of the " + shape + " field on the intended way");

    FloatImage got = new CpuRenderer().render(field, Scale.of(scale));
    double maxDiff = ReferenceRenderer.maxAbsDiff(got, ReferenceRenderer.render(field, scale, scale));
    System.out.printf("%s Gaussians, k=%d, x%s: max |diff| from the float64 reference %.2e%n", shape, k, scale,
        maxDiff);
    assertTrue(maxDiff <= (recurrence ? 1e-5 : 1e-4), shape + ": max |cpu - reference| = " + maxDiff);
  }

  /** Gaussians at the recurrence's limit (|rho| = 0.979, wide boxes at x8): no overflow, no NaN. */
  @Test
  void theRecurrenceHoldsAtItsLimits() {
    GaussianField field = GaussianField.zeros(4, 4, 1);
    for (int i = 0; i < field.count(); i++) {
      // L = [[s, 0], [rho s', s' sqrt(1 - rho^2)]] with rho = 0.979, sign alternating
      double s = 0.9;
      double rho = (i % 2 == 0 ? 1 : -1) * 0.979;
      field.set(FieldContract.L11, i, (float) s);
      field.set(FieldContract.L21, i, (float) (rho * s));
      field.set(FieldContract.L22, i, (float) (s * Math.sqrt(1 - rho * rho)));
      field.set(FieldContract.R, i, 0.2f);
      field.set(FieldContract.G, i, 0.1f);
      field.set(FieldContract.B, i, 0.05f);
    }
    float l11 = field.get(FieldContract.L11, 0);
    float l21 = field.get(FieldContract.L21, 0);
    float l22 = field.get(FieldContract.L22, 0);
    assertTrue(SplatRow.recurrenceIsExact(l11 * l11, l11 * l21, l21 * l21 + l22 * l22, 1 / 8.0, 1 / 8.0));
    FloatImage got = new CpuRenderer().render(field, Scale.of(8));
    double maxDiff = ReferenceRenderer.maxAbsDiff(got, ReferenceRenderer.render(field, 8, 8));
    assertTrue(maxDiff <= 1e-5, "max |cpu - reference| = " + maxDiff);
  }

  @Test
  void theLimitsSendTheRightGaussiansToTheTable() {
    assertTrue(SplatRow.recurrenceIsExact(1, 0.5, 1, 0.5, 0.5), "round, two samples a sigma");
    assertFalse(SplatRow.recurrenceIsExact(1, 0.99, 1, 0.5, 0.5), "|rho| 0.99");
    assertFalse(SplatRow.recurrenceIsExact(1e-4, 0, 1e-4, 0.5, 0.5), "sigma 0.01 on samples 0.5 apart");
    assertFalse(SplatRow.recurrenceIsExact(Double.NaN, 0, 1, 0.5, 0.5), "NaN");
  }

  /** Random Gaussians of one shape (see eachWayMatchesTheReference), colours that keep sums in (0, 1). */
  private static GaussianField field(String shape, int w, int h, int k, long seed) {
    Random rnd = new Random(seed);
    GaussianField f = GaussianField.zeros(w, h, k);
    for (int i = 0; i < f.count(); i++) {
      f.set(FieldContract.DX, i, (float) ((rnd.nextDouble() * 2 - 1) / k));
      f.set(FieldContract.DY, i, (float) ((rnd.nextDouble() * 2 - 1) / k));
      double a = (0.3 + rnd.nextDouble()) / k;
      double b = (0.3 + rnd.nextDouble()) / k;
      double rho = switch (shape) {
        case "round" -> (rnd.nextDouble() * 2 - 1) * 0.6; // on the recurrence even at 1 sample per LR pixel
        case "thin" -> (rnd.nextBoolean() ? 1 : -1) * (0.985 + rnd.nextDouble() * 0.014);
        default -> 0;
      };
      if (shape.equals("tiny")) {
        a = b = 0.02 + rnd.nextDouble() * 0.02;
      }
      f.set(FieldContract.L11, i, (float) a);
      f.set(FieldContract.L21, i, (float) (rho * b));
      f.set(FieldContract.L22, i, (float) (b * Math.sqrt(1 - rho * rho)));
      double mass = shape.equals("tiny") ? 1 : 1.0 / (k * k);
      for (int c = FieldContract.R; c <= FieldContract.B; c++) {
        f.set(c, i, (float) ((rnd.nextDouble() * 0.3 + 0.02) * mass));
      }
    }
    return f;
  }
}
