package dev.p2g.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.p2g.field.Degradation;
import dev.p2g.field.FieldContract;
import dev.p2g.field.FloatImage;
import dev.p2g.field.GaussianField;
import java.awt.image.BufferedImage;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class CpuRendererTest {
  /** Issue 2's bound before 8-bit quantisation. */
  private static final double MAX_ABS_DIFF = 1e-4;

  static Stream<Arguments> cases() {
    String[] scales = {"0.5", "1", "2", "2.5", "3.7", "4", "2x3", "0.5x2", "0.3"};
    Stream.Builder<Arguments> b = Stream.builder();
    for (int k = 1; k <= 2; k++) {
      for (String s : scales) {
        b.add(Arguments.of(k, s));
      }
    }
    return b.build();
  }

  @ParameterizedTest(name = "k={0} scale={1}")
  @MethodSource("cases")
  void matchesFloat64Reference(int k, String scaleText) {
    Scale scale = Scale.parse(scaleText);
    GaussianField field = RandomFields.random(13, 9, k, 31L * k + scaleText.hashCode());
    FloatImage got = new CpuRenderer().render(field, scale);
    double[][][] want = ReferenceRenderer.render(field, scale.x(), scale.y());

    assertEquals(want[0][0].length, got.width(), "output width");
    assertEquals(want[0].length, got.height(), "output height");
    double maxDiff = ReferenceRenderer.maxAbsDiff(got, want);
    int interior = ReferenceRenderer.unclamped(want);
    System.out.printf("cpu vs float64 reference, k=%d scale %-5s %3dx%-3d max |diff| %.2e%n",
        k, scaleText, got.width(), got.height(), maxDiff);
    assertTrue(maxDiff <= MAX_ABS_DIFF, "max |cpu - reference| = " + maxDiff);
    // A comparison of two clamped images says little if everything clamped.
    int total = 3 * got.width() * got.height();
    assertTrue(interior > total / 2, "only " + interior + " of " + total + " values unclamped");
  }

  /**
   * A field with a training degradation: levels at and below scale 1 are its render at x2
   * reduced by the bicubic (then Lanczos3), per axis; above 1 it renders as any field. The
   * difference from the same field without the degradation shows the rule is in effect.
   */
  @ParameterizedTest(name = "degraded field, k={0} scale={1}")
  @CsvSource({"2,1", "2,0.5", "1,0.37", "2,2x0.6", "2,1x3", "1,2.5"})
  void aDegradedFieldMatchesTheReference(int k, String scaleText) {
    Scale scale = Scale.parse(scaleText);
    GaussianField plain = RandomFields.random(13, 9, k, 17L * k + scaleText.hashCode());
    GaussianField field = plain.withDegradation(new Degradation(Degradation.BICUBIC, 2, 4));
    FloatImage got = new CpuRenderer().render(field, scale);
    double[][][] want = ReferenceRenderer.render(field, scale.x(), scale.y());
    double maxDiff = ReferenceRenderer.maxAbsDiff(got, want);
    float[] plainLevel = new CpuRenderer().render(plain, scale).data();
    double fromPlain = 0;
    for (int i = 0; i < plainLevel.length; i++) {
      fromPlain = Math.max(fromPlain, Math.abs(got.data()[i] - plainLevel[i]));
    }
    System.out.printf("degraded field vs float64 reference, k=%d scale %-6s max |diff| %.2e (%.2e from the plain"
        + " field's level)%n", k, scaleText, maxDiff, fromPlain);
    assertTrue(maxDiff <= MAX_ABS_DIFF, "max |cpu - reference| = " + maxDiff);
    if (scale.x() > 1 && scale.y() > 1) {
      assertEquals(0, fromPlain, "above scale 1 a degradation changes nothing");
    } else {
      assertTrue(fromPlain > 0.01, "the degradation's rule is not in effect: " + fromPlain);
    }
  }

  @ParameterizedTest(name = "degenerate cholesky, k={0}")
  @MethodSource("ks")
  void zeroAreaGaussiansContributeNothing(int k) {
    GaussianField field = RandomFields.random(6, 5, k, 7);
    for (int i = 0; i < field.count(); i += 3) {
      field.set(FieldContract.L22, i, 0f);
    }
    FloatImage got = new CpuRenderer().render(field, Scale.of(2));
    double[][][] want = ReferenceRenderer.render(field, 2, 2);
    for (int v = 0; v < got.height(); v++) {
      for (int u = 0; u < got.width(); u++) {
        assertEquals(want[1][v][u], got.get(1, u, v), MAX_ABS_DIFF);
      }
    }
  }

  /** The job's path (renderRgb8, no planar float copy) against the quantised float64 reference. */
  @ParameterizedTest(name = "8-bit, scale {0}")
  @MethodSource("rgb8Scales")
  void eightBitRenderingIsTheQuantisedReference(String scaleText) {
    Scale scale = Scale.parse(scaleText);
    GaussianField field = RandomFields.random(11, 7, 2, scaleText.hashCode());
    CpuRenderer renderer = new CpuRenderer();
    BufferedImage got = renderer.renderRgb8(field, scale);
    double[][][] want = ReferenceRenderer.render(field, scale.x(), scale.y());
    assertEquals(want[0][0].length, got.getWidth(), "output width");
    assertEquals(want[0].length, got.getHeight(), "output height");
    BufferedImage viaFloats = ImageEncoding.toRgb8(renderer.render(field, scale));
    int worst = 0;
    for (int v = 0; v < got.getHeight(); v++) {
      for (int u = 0; u < got.getWidth(); u++) {
        int rgb = got.getRGB(u, v);
        assertEquals(viaFloats.getRGB(u, v), rgb, "8-bit path differs from the float path at " + u + "," + v);
        for (int c = 0; c < 3; c++) {
          int level = (rgb >> (16 - 8 * c)) & 0xff;
          worst = Math.max(worst, Math.abs(level - ImageEncoding.quantize((float) want[c][v][u])));
        }
      }
    }
    // Values within 1e-4 of the reference can still round to the neighbouring level, no further.
    assertTrue(worst <= 1, "worst 8-bit difference from the reference: " + worst + " levels");
  }

  static Stream<String> rgb8Scales() {
    return Stream.of("2", "3.7", "0.5", "2x3");
  }

  static Stream<Integer> ks() {
    return Stream.of(1, 2);
  }
}
