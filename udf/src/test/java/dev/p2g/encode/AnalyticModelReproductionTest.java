package dev.p2g.encode;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.p2g.field.FloatImage;
import dev.p2g.field.GaussianField;
import dev.p2g.io.Device;
import dev.p2g.render.CpuRenderer;
import dev.p2g.render.ImageEncoding;
import dev.p2g.render.Scale;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;

/**
 * The analytic model's field (model/make_analytic_model.py: built to give its image back),
 * rendered at scale 1, reproduces its source image: this pins the coordinate conventions
 * (anchors at pixel centres, samples at pixel centres) end to end through ONNX Runtime, the
 * field layout and the renderer. The trained default is judged by upscaling (model card), and at
 * scale 1 through its training degradation (below).
 */
class AnalyticModelReproductionTest {
  private static final double MIN_PSNR_DB = 35.0;
  private static final Path SAMPLES = Path.of("../sample-data/images");
  static final String ANALYTIC = Path.of("src/test/resources/models/analytic-v1.onnx").toAbsolutePath().toUri().toString();

  @Test
  void everySampleImageComesBackAtScaleOne() throws Exception {
    ModelSession session = session(ANALYTIC);
    ImageDecoder decoder = new ImageDecoder(50_000_000L, AlphaPolicy.BLACK);
    List<Path> images = sampleImages();
    assertTrue(images.size() >= 6, "sample-data holds " + images.size() + " images");
    for (Path p : images) {
      FloatImage source = decoder.decode(Files.readAllBytes(p), p.toString()).rgb();
      GaussianField field = session.encode(source);
      FloatImage back = new CpuRenderer().render(field, Scale.of(1));
      double psnr = psnr8(source, back);
      // Infinity on 8 bits means every output byte equals the source's; the float figure says by how much.
      System.out.printf("analytic model, scale 1: %-40s %4dx%-4d PSNR 8-bit %.2f dB, float %.2f dB%n",
          SAMPLES.relativize(p), source.width(), source.height(), psnr, psnrFloat(source, back));
      assertTrue(psnr >= MIN_PSNR_DB, p + ": PSNR " + psnr + " dB < " + MIN_PSNR_DB);
    }
  }

  @Test
  void aShiftedRenderDoesNotReproduce() throws Exception {
    // The test above can fail: half a pixel of offset (a wrong anchor convention) costs > 10 dB.
    ModelSession session = session(ANALYTIC);
    Path p = SAMPLES.resolve("test-card.png"); // sharp edges: a shift shows
    FloatImage source = new ImageDecoder(50_000_000L, AlphaPolicy.BLACK)
        .decode(Files.readAllBytes(p), p.toString()).rgb();
    GaussianField field = session.encode(source);
    for (int i = 0; i < field.count(); i++) {
      field.set(0, i, field.get(0, i) + 0.5f);
    }
    double shifted = psnr8(source, new CpuRenderer().render(field, Scale.of(1)));
    assertFalse(shifted >= MIN_PSNR_DB, "half a pixel off still gives " + shifted + " dB");
  }

  /**
   * Issue 32, item 3: the default model is trained on a bicubic degradation, so its level at scale
   * 1 is its field rendered at the degradation's scale and reduced as training reduced, which
   * gives the source back within 45 dB (8-bit RGB PSNR) on every sample photograph. Its point
   * samples, the rule before, are measured beside as the control (31-37 dB on them: the sharp
   * image the source was taken from). The graphics (a badge, a palette drawing, the test card's
   * 1-px checkerboard), far from the training photos, are measured without the bar.
   */
  private static final Set<String> PHOTOS = Set.of("colorful-cups.png", "evening-glow.jpg", "fallen-leaf-16bit.png",
      "grey-weave.png", "nested/moss.jpg");

  @Test
  void theDefaultModelAtScaleOneGivesTheSourceBack() throws Exception {
    ModelSession session = session(ModelSource.BUILTIN_DEFAULT);
    ImageDecoder decoder = new ImageDecoder(50_000_000L, AlphaPolicy.BLACK);
    double worstControl = Double.POSITIVE_INFINITY;
    for (Path p : sampleImages()) {
      FloatImage source = decoder.decode(Files.readAllBytes(p), p.toString()).rgb();
      GaussianField field = session.encode(source);
      assertTrue(field.degradation() != null, "the default model declares its training degradation");
      double psnr = psnr8(source, new CpuRenderer().render(field, Scale.of(1)));
      double points = psnr8(source, new CpuRenderer().render(field.withDegradation(null), Scale.of(1)));
      System.out.printf("default model (%s), scale 1: %-40s PSNR 8-bit %.2f dB (point samples %.2f dB)%n",
          session.info().name(), SAMPLES.relativize(p), psnr, points);
      if (PHOTOS.contains(SAMPLES.relativize(p).toString())) {
        assertTrue(psnr >= 45, p + ": " + psnr + " dB at scale 1, under the 45 dB bar");
        worstControl = Math.min(worstControl, points);
      }
    }
    assertTrue(worstControl < 45, "the point samples pass the bar too (" + worstControl + " dB): the test"
        + " no longer shows what the degradation's rule adds");
  }

  static ModelSession session(String uri) throws ModelLoadException {
    ModelInfo info = OnnxSessions.inspect(uri, Device.CPU, 1, new Configuration());
    return OnnxSessions.get(new ModelRef(uri, info.id(), Device.CPU, 1), new Configuration());
  }

  static List<Path> sampleImages() throws IOException {
    try (Stream<Path> s = Files.walk(SAMPLES)) {
      return s.filter(Files::isRegularFile).sorted().toList();
    }
  }

  /** 8-bit PSNR over the pixels at least {@code border} pixels inside the image. */
  static double psnr8Inside(FloatImage a, FloatImage b, int border) {
    double se = 0;
    long n = 0;
    for (int c = 0; c < 3; c++) {
      for (int v = border; v < a.height() - border; v++) {
        for (int u = border; u < a.width() - border; u++) {
          double d = ImageEncoding.quantize(a.get(c, u, v)) - ImageEncoding.quantize(b.get(c, u, v));
          se += d * d;
          n++;
        }
      }
    }
    return se == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(255.0 * 255.0 * n / se);
  }

  /** PSNR before quantisation, peak 1. */
  static double psnrFloat(FloatImage a, FloatImage b) {
    double se = 0;
    float[] x = a.data();
    float[] y = b.data();
    for (int i = 0; i < x.length; i++) {
      double d = (double) x[i] - y[i];
      se += d * d;
    }
    double mse = se / x.length;
    return mse == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(1.0 / mse);
  }

  /** PSNR of the 8-bit output against the source quantised the same way, over all three channels. */
  static double psnr8(FloatImage a, FloatImage b) {
    double se = 0;
    float[] x = a.data();
    float[] y = b.data();
    for (int i = 0; i < x.length; i++) {
      double d = ImageEncoding.quantize(x[i]) - ImageEncoding.quantize(y[i]);
      se += d * d;
    }
    double mse = se / x.length;
    return mse == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(255.0 * 255.0 / mse);
  }
}
