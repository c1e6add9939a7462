package dev.p2g.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.p2g.field.FloatImage;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Our separable resize (AxisWeights, Resample) against Pillow's, an independent and widely
 * used implementation: model/make_resample_fixtures.py saved Pillow's resize of a float image
 * (no 8-bit rounding) with BOX, BICUBIC and LANCZOS, reductions, an upscale and mixed axes. The
 * pyramid's levels below scale 1 are a LANCZOS3 reduction of this kind, so "Lanczos3" in our
 * figures means what it means in Pillow.
 */
class ResampleTest {
  /** float32 accumulation of at most ~40 taps against Pillow's double precision. */
  private static final double MAX_ABS_DIFF = 2e-6;

  record Case(String filter, int width, int height, int offset) {
    @Override
    public String toString() {
      return filter + " to " + width + "x" + height;
    }
  }

  static List<Case> cases() throws Exception {
    List<Case> cases = new ArrayList<>();
    String[] lines = new String(resource("cases.txt"), StandardCharsets.US_ASCII).split("\n");
    for (int i = 1; i < lines.length; i++) {
      String[] f = lines[i].trim().split(" ");
      cases.add(new Case(f[0], Integer.parseInt(f[1]), Integer.parseInt(f[2]), Integer.parseInt(f[3])));
    }
    return cases;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void equalsPillow(Case c) throws Exception {
    String[] size = new String(resource("cases.txt"), StandardCharsets.US_ASCII).split("\n")[0].trim().split(" ");
    int w = Integer.parseInt(size[0]);
    int h = Integer.parseInt(size[1]);
    float[] all = floats(resource("pillow.bin"));
    FloatImage src = FloatImage.blank(w, h);
    for (int v = 0; v < h; v++) {
      for (int u = 0; u < w; u++) {
        float x = all[v * w + u];
        // each channel a different image, so that a channel mix-up shows
        src.set(0, u, v, x);
        src.set(1, u, v, 1 - x);
        src.set(2, u, v, 2 * x);
      }
    }
    FloatImage got = Resample.resize(src, c.width(), c.height(), ResampleFilter.valueOf(c.filter()));
    assertEquals(c.width(), got.width());
    assertEquals(c.height(), got.height());
    double worst = 0;
    for (int v = 0; v < c.height(); v++) {
      for (int u = 0; u < c.width(); u++) {
        double want = all[c.offset() + v * c.width() + u];
        worst = Math.max(worst, Math.abs(got.get(0, u, v) - want));
        worst = Math.max(worst, Math.abs(got.get(1, u, v) - (1 - want)));
        worst = Math.max(worst, Math.abs(got.get(2, u, v) - 2 * want));
      }
    }
    System.out.printf("resize %s vs Pillow: max |diff| %.2e%n", c, worst);
    assertTrue(worst <= MAX_ABS_DIFF, c + ": max |ours - Pillow| = " + worst);

    // a window of the resize is the same pixels as the whole resize there
    int x = c.width() / 3;
    int y = c.height() / 4;
    int ww = Math.max(1, c.width() / 2);
    int wh = Math.max(1, c.height() / 2);
    FloatImage window = Resample.window(src, c.width(), c.height(), x, y, ww, wh, ResampleFilter.valueOf(c.filter()));
    for (int v = 0; v < wh; v++) {
      for (int u = 0; u < ww; u++) {
        assertEquals(got.get(0, x + u, y + v), window.get(0, u, v), 1e-6, "window pixel " + u + "," + v);
      }
    }
  }

  private static float[] floats(byte[] bytes) {
    float[] f = new float[bytes.length / 4];
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(f);
    return f;
  }

  private static byte[] resource(String name) throws Exception {
    try (InputStream in = ResampleTest.class.getResourceAsStream("/resample/" + name)) {
      assertTrue(in != null, name + " missing");
      return in.readAllBytes();
    }
  }
}
