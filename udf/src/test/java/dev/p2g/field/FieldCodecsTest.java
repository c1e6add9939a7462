package dev.p2g.field;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The lossy codecs keep their documented error bounds, and f16 is IEEE binary16 with round-to-nearest-even. */
class FieldCodecsTest {
  @Test
  void everyHalfSurvivesARoundTrip() {
    for (int h = 0; h < 1 << 16; h++) {
      float f = F16Codec.fromHalf((short) h);
      if (!Float.isNaN(f)) {
        assertEquals((short) h, F16Codec.toHalf(f), "half 0x" + Integer.toHexString(h));
      }
    }
  }

  @Test
  void floatsRoundToTheNearestHalf() {
    Random rnd = new Random(11);
    for (int i = 0; i < 200_000; i++) {
      float f = (float) ((rnd.nextDouble() * 2 - 1) * Math.pow(2, rnd.nextInt(30) - 20));
      short h = F16Codec.toHalf(f);
      float got = F16Codec.fromHalf(h);
      // no other half is strictly nearer: check both neighbours
      for (int d = -1; d <= 1; d += 2) {
        float other = F16Codec.fromHalf((short) (h + d));
        if (!Float.isNaN(other) && !Float.isInfinite(other) && Math.signum(other) == Math.signum(got)) {
          assertTrue(Math.abs((double) other - f) >= Math.abs((double) got - f), f + " -> " + got + ", not " + other);
        }
      }
    }
  }

  @Test
  void q8ErrorIsAtMostHalfAStepOfItsPlane() {
    GaussianField field = GaussianField.zeros(9, 7, 2);
    Random rnd = new Random(5);
    float[] p = field.params();
    for (int i = 0; i < p.length; i++) {
      p[i] = (float) (rnd.nextGaussian() * 0.3);
    }
    int n = field.count();
    for (int i = FieldContract.R * n; i < (FieldContract.R + 1) * n; i++) {
      p[i] = 0.25f; // a constant plane comes back exact
    }
    GaussianField back = new Q8Codec().decode(new Q8Codec().encode(field), 9, 7, 2);
    for (int plane = 0; plane < FieldContract.PARAMS; plane++) {
      float lo = Float.MAX_VALUE;
      float hi = -Float.MAX_VALUE;
      for (int i = plane * n; i < (plane + 1) * n; i++) {
        lo = Math.min(lo, p[i]);
        hi = Math.max(hi, p[i]);
      }
      // colours (planes R, G, B) have 255 steps over their range, the geometry 127
      double bound = (hi - lo) / (plane >= FieldContract.R ? 510.0 : 254.0) + 1e-6;
      for (int i = plane * n; i < (plane + 1) * n; i++) {
        assertTrue(Math.abs(back.params()[i] - p[i]) <= bound, "plane " + plane + " value " + i);
      }
    }
    assertEquals(0.25f, back.params()[FieldContract.R * n]);
  }

  @Test
  void f16IsWithinItsRelativeBound() {
    GaussianField field = GaussianField.zeros(5, 4, 2);
    Random rnd = new Random(8);
    float[] p = field.params();
    for (int i = 0; i < p.length; i++) {
      p[i] = (float) (rnd.nextGaussian() * 0.4);
    }
    GaussianField back = new F16Codec().decode(new F16Codec().encode(field), 5, 4, 2);
    for (int i = 0; i < p.length; i++) {
      assertTrue(Math.abs(back.params()[i] - p[i]) <= Math.max(Math.abs(p[i]) * 0x1p-11, 0x1p-25), "value " + i);
    }
  }
}
