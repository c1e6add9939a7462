package dev.p2g.render;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** ImageEncoding.quantize against its definition: clamp to [0, 1] in float, times 255, plus 0.5, floor. */
class QuantizeTest {
  private static int byDefinition(float v) {
    float clamped = Float.isNaN(v) ? Float.NaN : Math.min(1f, Math.max(0f, v));
    return (int) Math.floor(clamped * 255f + 0.5f);
  }

  @Test
  void agreesWithTheDefinitionOnEdgesAndAtRandom() {
    float[] edges = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -0f, 0f, Float.MIN_VALUE, 1f,
        Math.nextUp(1f), Math.nextDown(1f), 1e30f, -1e30f, -0.5f / 255, Math.nextDown(-0.5f / 255)};
    for (float v : edges) {
      assertEquals(byDefinition(v), ImageEncoding.quantize(v), "v = " + v);
    }
    for (int level = 0; level < 256; level++) { // the rounding boundaries between levels
      float half = (level + 0.5f) / 255f;
      for (float v : new float[] {half, Math.nextUp(half), Math.nextDown(half)}) {
        assertEquals(byDefinition(v), ImageEncoding.quantize(v), "v = " + v);
      }
    }
    Random rnd = new Random(7);
    for (int i = 0; i < 2_000_000; i++) {
      float v = i % 2 == 0 ? Float.intBitsToFloat(rnd.nextInt()) : rnd.nextFloat() * 1.4f - 0.2f;
      assertEquals(byDefinition(v), ImageEncoding.quantize(v), "v = " + v);
    }
  }
}
