package dev.p2g.bench;

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
import dev.p2g.render.CpuRenderer;
import dev.p2g.render.LevelQuality;
import dev.p2g.render.Resample;
import dev.p2g.render.ResampleFilter;
import dev.p2g.render.Scale;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;

/**
 * How faithful the pyramid's levels at and below scale 1 are, on held-out photos (written by
 * model/make_validation_photos.py, never trained on), with the default model: PSNR-Y of each
 * level against Pillow-equivalent antialiased Lanczos3 of the source, beside box and bicubic
 * downscales of the source and the rule before issue 16 (Gaussian footprint), all from this run;
 * high-frequency energy against Lanczos3's; a zone plate's aliasing; scale 1 against the source
 * (photos and sample-data/images); and the CPU render time of downscales, before and after.
 *
 * <pre>bin/bench dev.p2g.bench.LevelQualityBenchmark model/build/validation-480 [timing rounds, default 20]</pre>
 */
public final class LevelQualityBenchmark {
  /** A model built to give its image back at scale 1 (model/make_analytic_model.py): the rule without the model's error. */
  private static final String ANALYTIC =
      Path.of("udf/src/test/resources/models/analytic-v1.onnx").toAbsolutePath().toUri().toString();
  private static final double[] SCALES = {0.5, 1.0 / 3, 0.25};
  private static final String[] NAMES = {"x0.5", "x0.33", "x0.25"};
  private static final int THREADS = Runtime.getRuntime().availableProcessors();

  public static void main(String[] args) throws Exception {
    Path folder = Path.of(args.length > 0 ? args[0] : "model/build/validation-480");
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
    ModelSession model = session(ModelSource.BUILTIN_DEFAULT);
    ImageDecoder decoder = new ImageDecoder(50_000_000, AlphaPolicy.DEFAULT);
    List<Path> photos;
    try (Stream<Path> s = Files.list(folder)) {
      photos = s.filter(p -> p.toString().endsWith(".png")).sorted().toList();
    }
    if (photos.isEmpty()) {
      throw new IllegalArgumentException("no PNG photos in " + folder + ": run model/make_validation_photos.py");
    }
    System.out.printf(Locale.ROOT, "level quality: %d held-out photos from %s, model %s, %d cores%n",
        photos.size(), folder, model.info().name(), Runtime.getRuntime().availableProcessors());

    int n = SCALES.length;
    double[][] psnr = new double[5][n]; // p2g, footprint, box, bicubic (each vs Lanczos3), worst p2g
    double[][] hf = new double[2][n];   // p2g / Lanczos3, footprint / Lanczos3
    for (double[] row : psnr) {
      Arrays.fill(row, 0);
    }
    Arrays.fill(psnr[4], Double.POSITIVE_INFINITY);
    double scale1 = 0;
    double scale1Worst = Double.POSITIVE_INFINITY;
    List<GaussianField> fields = new ArrayList<>();
    List<String> scaleOne = new ArrayList<>();
    for (Path photo : photos) {
      FloatImage src = decoder.decode(Files.readAllBytes(photo), photo.toString()).rgb();
      GaussianField field = model.encode(src);
      fields.add(field);
      double at1 = LevelQuality.psnrY(level(new CpuRenderer(), field, 1), LevelQuality.levels8(src));
      double points = LevelQuality.psnrY(level(new CpuRenderer(), field.withDegradation(null), 1),
          LevelQuality.levels8(src));
      scaleOne.add(String.format(Locale.ROOT, "| %s | %.1f dB | %.1f dB |", photo.getFileName(), at1, points));
      scale1 += at1 / photos.size();
      scale1Worst = Math.min(scale1Worst, at1);
      for (int i = 0; i < n; i++) {
        Scale s = Scale.of(SCALES[i]);
        int w = s.outputWidth(src.width());
        int h = s.outputHeight(src.height());
        FloatImage lanczos = LevelQuality.levels8(Resample.resize(src, w, h, ResampleFilter.LANCZOS3));
        FloatImage ours = level(new CpuRenderer(), field, SCALES[i]);
        FloatImage before = level(new CpuRenderer(CpuRenderer.Downscale.FOOTPRINT), field, SCALES[i]);
        double p = LevelQuality.psnrY(ours, lanczos);
        psnr[0][i] += p / photos.size();
        psnr[1][i] += LevelQuality.psnrY(before, lanczos) / photos.size();
        psnr[2][i] += LevelQuality.psnrY(LevelQuality.levels8(Resample.resize(src, w, h, ResampleFilter.BOX)), lanczos)
            / photos.size();
        psnr[3][i] += LevelQuality.psnrY(
            LevelQuality.levels8(Resample.resize(src, w, h, ResampleFilter.BICUBIC)), lanczos) / photos.size();
        psnr[4][i] = Math.min(psnr[4][i], p);
        double ref = LevelQuality.highFrequencyEnergy(lanczos);
        hf[0][i] += LevelQuality.highFrequencyEnergy(ours) / ref / photos.size();
        hf[1][i] += LevelQuality.highFrequencyEnergy(before) / ref / photos.size();
      }
    }
    System.out.println();
    System.out.println("PSNR-Y against antialiased Lanczos3 of the source (mean over photos; worst photo), and"
        + " high-frequency energy / Lanczos3's:");
    System.out.println();
    System.out.println("| level | p2g (Lanczos3 of scale-1 samples) | worst photo | p2g before (Gaussian footprint)"
        + " | box vs Lanczos3 | bicubic vs Lanczos3 | HF energy p2g / Lanczos3 | HF before / Lanczos3 |");
    System.out.println("|---|---|---|---|---|---|---|---|");
    for (int i = 0; i < n; i++) {
      System.out.printf(Locale.ROOT, "| %s | %.1f dB | %.1f dB | %.1f dB | %.1f dB | %.1f dB | %.3f | %.3f |%n",
          NAMES[i], psnr[0][i], psnr[4][i], psnr[1][i], psnr[2][i], psnr[3][i], hf[0][i], hf[1][i]);
    }
    System.out.printf(Locale.ROOT, "| x1 | %.1f dB vs the source | %.1f dB | | | | | |%n", scale1, scale1Worst);
    System.out.println();
    System.out.println("Scale 1 against the source, PSNR-Y: the level (through the model's training degradation,"
        + " where it declares one) and the field's point samples at the LR pixel centres:");
    System.out.println();
    System.out.println("| photo | x1 level | point samples |");
    System.out.println("|---|---|---|");
    scaleOne.forEach(System.out::println);

    sampleData(model, decoder);
    zonePlate(model, 480);
    zonePlate(model, 256);
    timing(fields.get(0), rounds);
  }

  private static void sampleData(ModelSession model, ImageDecoder decoder) throws Exception {
    System.out.println();
    System.out.println("Scale 1 against the source, sample-data/images:");
    System.out.println();
    System.out.println("| image | size | PSNR-Y x1 vs source |");
    System.out.println("|---|---|---|");
    List<Path> images;
    try (Stream<Path> s = Files.walk(Path.of("sample-data/images"))) {
      images = s.filter(Files::isRegularFile).filter(p -> !p.toString().endsWith(".md")).sorted().toList();
    }
    for (Path p : images) {
      FloatImage src = decoder.decode(Files.readAllBytes(p), p.toString()).rgb();
      double at1 = LevelQuality.psnrY(level(new CpuRenderer(), model.encode(src), 1), LevelQuality.levels8(src));
      System.out.printf(Locale.ROOT, "| %s | %dx%d | %.1f dB |%n", Path.of("sample-data/images").relativize(p),
          src.width(), src.height(), at1);
    }
  }

  private static void zonePlate(ModelSession model, int side) throws Exception {
    FloatImage plate = LevelQuality.zonePlate(side);
    GaussianField field = model.encode(plate);
    GaussianField exact = session(ANALYTIC).encode(plate);
    System.out.printf(Locale.ROOT, "%nZone plate %d x %d at x1 against the plate: %s %.1f dB, analytic model %.1f dB%n", side, side,
        model.info().name(),
        LevelQuality.psnrY(level(new CpuRenderer(), field, 1), LevelQuality.levels8(plate)),
        LevelQuality.psnrY(level(new CpuRenderer(), exact, 1), LevelQuality.levels8(plate)));
    System.out.printf(Locale.ROOT, "Energy left above the output's Nyquist, relative to the plate's (dB, lower is less"
        + " aliasing); the analytic field is the rule without the model's error:%n");
    System.out.println();
    System.out.println("| level | analytic field | p2g | p2g before (footprint) | p2g point-sampled | Lanczos3 of source | bicubic"
        + " | box | p2g vs Lanczos3 PSNR-Y |");
    System.out.println("|---|---|---|---|---|---|---|---|---|");
    for (int i = 0; i < SCALES.length; i++) {
      Scale s = Scale.of(SCALES[i]);
      int w = s.outputWidth(side);
      FloatImage lanczos = LevelQuality.levels8(Resample.resize(plate, w, w, ResampleFilter.LANCZOS3));
      FloatImage ours = level(new CpuRenderer(), field, SCALES[i]);
      System.out.printf(Locale.ROOT, "| %s | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f dB |%n", NAMES[i],
          LevelQuality.zonePlateAliasingDb(level(new CpuRenderer(), exact, SCALES[i]), side),
          LevelQuality.zonePlateAliasingDb(ours, side),
          LevelQuality.zonePlateAliasingDb(level(new CpuRenderer(CpuRenderer.Downscale.FOOTPRINT), field, SCALES[i]),
              side),
          LevelQuality.zonePlateAliasingDb(level(new CpuRenderer(CpuRenderer.Downscale.POINT), field, SCALES[i]),
              side),
          LevelQuality.zonePlateAliasingDb(lanczos, side),
          LevelQuality.zonePlateAliasingDb(
              LevelQuality.levels8(Resample.resize(plate, w, w, ResampleFilter.BICUBIC)), side),
          LevelQuality.zonePlateAliasingDb(LevelQuality.levels8(Resample.resize(plate, w, w, ResampleFilter.BOX)),
              side),
          LevelQuality.psnrY(ours, lanczos));
    }
  }

  /** Median ms of renderRgb8 (what the job calls) per level, before and after, interleaved in one run. */
  private static void timing(GaussianField field, int rounds) {
    CpuRenderer now = new CpuRenderer();
    CpuRenderer before = new CpuRenderer(CpuRenderer.Downscale.FOOTPRINT);
    System.out.println();
    System.out.printf(Locale.ROOT, "CPU render time of a %dx%d field (k=%d), one thread, median of %d rounds:%n",
        field.width(), field.height(), field.k(), rounds);
    System.out.println();
    System.out.println("| level | before (footprint) ms | now (Lanczos3 of scale-1 samples) ms | now / before |");
    System.out.println("|---|---|---|---|");
    double[] levels = {0.5, 1.0 / 3, 0.25, 1, 2};
    String[] names = {"x0.5", "x0.33", "x0.25", "x1", "x2"};
    for (int i = 0; i < levels.length; i++) {
      Scale s = Scale.of(levels[i]);
      double[] a = new double[rounds];
      double[] b = new double[rounds];
      for (int r = -3; r < rounds; r++) { // three warm-up rounds
        long t0 = System.nanoTime();
        before.renderRgb8(field, s);
        long t1 = System.nanoTime();
        now.renderRgb8(field, s);
        long t2 = System.nanoTime();
        if (r >= 0) {
          a[r] = (t1 - t0) / 1e6;
          b[r] = (t2 - t1) / 1e6;
        }
      }
      double ma = median(a);
      double mb = median(b);
      System.out.printf(Locale.ROOT, "| %s | %.1f | %.1f | %.2f |%n", names[i], ma, mb, mb / ma);
    }
  }

  private static FloatImage level(CpuRenderer renderer, GaussianField field, double scale) {
    return LevelQuality.levels8(renderer.render(field, Scale.of(scale)));
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s[s.length / 2];
  }

  private static ModelSession session(String uri) throws Exception {
    ModelInfo info = OnnxSessions.inspect(uri, Device.CPU, THREADS, new Configuration());
    return OnnxSessions.get(new ModelRef(uri, info.id(), Device.CPU, THREADS), new Configuration());
  }
}
