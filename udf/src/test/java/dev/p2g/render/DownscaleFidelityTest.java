package dev.p2g.render;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.p2g.encode.AlphaPolicy;
import dev.p2g.encode.ImageDecoder;
import dev.p2g.encode.ModelInfo;
import dev.p2g.encode.ModelRef;
import dev.p2g.encode.ModelSession;
import dev.p2g.encode.ModelSource;
import dev.p2g.encode.OnnxSessions;
import dev.p2g.field.FloatImage;
import dev.p2g.field.GaussianField;
import dev.p2g.io.Device;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 16's bars for the levels below scale 1, with the default model on the photographs of
 * sample-data/images, against antialiased Lanczos3 of the source (Resample, which equals
 * Pillow's: ResampleTest): PSNR-Y at least 45 dB at x0.5, x0.33 and x0.25, high-frequency energy
 * within 10 % of Lanczos3's, and a zone plate that aliases no more than Lanczos3 of it. The rule
 * before issue 16 (a Gaussian footprint) is measured beside as the control that fails the first
 * two bars. The held-out wallpaper photos give the same figures (LevelQualityBenchmark,
 * docs/benchmarks.md).
 */
class DownscaleFidelityTest {
  private static final String[] PHOTOS = {"colorful-cups.png", "evening-glow.jpg", "nested/moss.jpg",
      "fallen-leaf-16bit.png", "grey-weave.png"};
  private static final double[] SCALES = {0.5, 1.0 / 3, 0.25};
  private static final double MIN_PSNR = 45;
  private static final double HF_TOLERANCE = 0.10;
  private static final int ZONE_SIDE = 256;
  private static final String ANALYTIC =
      Path.of("src/test/resources/models/analytic-v1.onnx").toAbsolutePath().toUri().toString();

  private static ModelSession model;
  private static final Map<String, FloatImage> sources = new LinkedHashMap<>();
  private static final Map<String, GaussianField> fields = new LinkedHashMap<>();

  @BeforeAll
  static void encode() throws Exception {
    model = session(ModelSource.BUILTIN_DEFAULT);
    ImageDecoder decoder = new ImageDecoder(10_000_000, AlphaPolicy.DEFAULT);
    Path root = Path.of("..", "sample-data", "images");
    for (String name : PHOTOS) {
      FloatImage src = decoder.decode(Files.readAllBytes(root.resolve(name)), name).rgb();
      sources.put(name, src);
      fields.put(name, model.encode(src));
    }
  }

  @Test
  void levelsMatchLanczos3OfTheSource() {
    double worst = Double.POSITIVE_INFINITY;
    double worstBefore = Double.POSITIVE_INFINITY;
    for (String name : PHOTOS) {
      for (double s : SCALES) {
        FloatImage lanczos = lanczos3(sources.get(name), s);
        double now = LevelQuality.psnrY(level(new CpuRenderer(), name, s), lanczos);
        double before = LevelQuality.psnrY(level(new CpuRenderer(CpuRenderer.Downscale.FOOTPRINT), name, s), lanczos);
        System.out.printf("%-22s x%.2f: PSNR-Y vs Lanczos3 %.1f dB (Gaussian footprint %.1f dB)%n", name, s, now, before);
        worst = Math.min(worst, now);
        worstBefore = Math.min(worstBefore, before);
      }
    }
    assertTrue(worst >= MIN_PSNR, "worst level " + worst + " dB against Lanczos3");
    assertTrue(worstBefore < MIN_PSNR, "the control (footprint rule) passed the bar: " + worstBefore + " dB");
  }

  @Test
  void levelsKeepLanczos3sHighFrequencyEnergy() {
    double worst = 0;
    double worstBefore = 0;
    for (String name : PHOTOS) {
      for (double s : SCALES) {
        double ref = LevelQuality.highFrequencyEnergy(lanczos3(sources.get(name), s));
        double now = LevelQuality.highFrequencyEnergy(level(new CpuRenderer(), name, s)) / ref;
        double before = LevelQuality.highFrequencyEnergy(
            level(new CpuRenderer(CpuRenderer.Downscale.FOOTPRINT), name, s)) / ref;
        System.out.printf("%-22s x%.2f: high-frequency energy / Lanczos3's %.3f (Gaussian footprint %.3f)%n",
            name, s, now, before);
        worst = Math.max(worst, Math.abs(now - 1));
        worstBefore = Math.max(worstBefore, Math.abs(before - 1));
      }
    }
    assertTrue(worst <= HF_TOLERANCE, "high-frequency energy off Lanczos3's by " + worst);
    assertTrue(worstBefore > HF_TOLERANCE, "the control (footprint rule) passed the bar: " + worstBefore);
  }

  /**
   * The rule's aliasing, on the field of a model built to give its image back (the analytic
   * model: 61 dB at scale 1 on this plate), so that the figure is the rule's and not the model's:
   * the default model's field of a zone plate is poor (21 dB at scale 1, far from its training
   * photos), and its error adds energy of its own (printed here, recorded in docs/benchmarks.md).
   */
  @Test
  void zonePlateAliasesNoMoreThanLanczos3() throws Exception {
    FloatImage plate = LevelQuality.zonePlate(ZONE_SIDE);
    GaussianField exact = session(ANALYTIC).encode(plate);
    GaussianField trained = model.encode(plate);
    for (double s : SCALES) {
      Scale scale = Scale.of(s);
      int w = scale.outputWidth(ZONE_SIDE);
      double ours = aliasing(new CpuRenderer(), exact, scale);
      double point = aliasing(new CpuRenderer(CpuRenderer.Downscale.POINT), exact, scale);
      double lanczos = LevelQuality.zonePlateAliasingDb(
          LevelQuality.levels8(Resample.resize(plate, w, w, ResampleFilter.LANCZOS3)), ZONE_SIDE);
      System.out.printf("zone plate %d at x%.2f: energy above the output's Nyquist %.1f dB (Lanczos3 of the plate"
          + " %.1f dB, point-sampled %.1f dB; default model's field %.1f dB)%n", ZONE_SIDE, s, ours, lanczos, point,
          aliasing(new CpuRenderer(), trained, scale));
      assertTrue(ours <= lanczos, "x" + s + ": " + ours + " dB of aliasing, Lanczos3 " + lanczos + " dB");
      assertTrue(point > lanczos + 10, "the point-sampled control does not alias: " + point + " dB");
    }
  }

  private static double aliasing(CpuRenderer renderer, GaussianField field, Scale scale) {
    return LevelQuality.zonePlateAliasingDb(LevelQuality.levels8(renderer.render(field, scale)), ZONE_SIDE);
  }

  private static FloatImage level(CpuRenderer renderer, String name, double s) {
    return LevelQuality.levels8(renderer.render(fields.get(name), Scale.of(s)));
  }

  private static ModelSession session(String uri) throws Exception {
    int threads = Runtime.getRuntime().availableProcessors();
    ModelInfo info = OnnxSessions.inspect(uri, Device.CPU, threads, new Configuration());
    return OnnxSessions.get(new ModelRef(uri, info.id(), Device.CPU, threads), new Configuration());
  }

  private static FloatImage lanczos3(FloatImage src, double s) {
    Scale scale = Scale.of(s);
    return LevelQuality.levels8(Resample.resize(src, scale.outputWidth(src.width()), scale.outputHeight(src.height()),
        ResampleFilter.LANCZOS3));
  }
}
