package dev.p2g.bench;

import dev.p2g.encode.ModelInfo;
import dev.p2g.encode.ModelRef;
import dev.p2g.encode.ModelSession;
import dev.p2g.encode.ModelSource;
import dev.p2g.encode.OnnxSessions;
import dev.p2g.field.FloatImage;
import dev.p2g.field.GaussianField;
import dev.p2g.io.Device;
import dev.p2g.render.CpuRenderer;
import dev.p2g.render.Scale;
import java.nio.file.Path;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;

/**
 * CPU encode speed of ONNX models through ONNX Runtime Java, one intra-op thread (one Spark
 * task per core), in LR megapixels per second per core, and the CPU render time of their fields
 * at x4 (k and the Gaussians' sizes differ between models). The analytic model, measured in the
 * same run, is the baseline the ratios are taken against.
 *
 * <pre>bin/bench dev.p2g.bench.EncodeBenchmark [seconds per case, default 5]</pre>
 */
public final class EncodeBenchmark {
  private static final int[][] SIZES = {{128, 128}, {256, 256}, {512, 384}};

  public static void main(String[] args) throws Exception {
    double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 5.0;
    String analytic = Path.of("udf/src/test/resources/models/analytic-v1.onnx").toAbsolutePath().toUri().toString();
    System.out.printf(Locale.ROOT, "encode benchmark: %d cores available, 1 ONNX intra-op thread, %.0f s per case%n",
        Runtime.getRuntime().availableProcessors(), seconds);
    System.out.println("| model | LR size | ms / image | LR MP/s per core | vs analytic |");
    System.out.println("|---|---|---|---|---|");
    for (int[] size : SIZES) {
      FloatImage image = BenchImages.noise(size[0], size[1]);
      double base = measure(analytic, image, seconds);
      double ours = measure(ModelSource.BUILTIN_DEFAULT, image, seconds);
      row("analytic-v1", size, base, base);
      row(session(ModelSource.BUILTIN_DEFAULT).info().name(), size, ours, base);
    }
    System.out.println();
    System.out.println("| model | k | field | render x4 (ms) | output MP/s | vs analytic |");
    System.out.println("|---|---|---|---|---|---|");
    FloatImage image = BenchImages.noise(256, 256);
    GaussianField baseField = session(analytic).encode(image);
    GaussianField ourField = session(ModelSource.BUILTIN_DEFAULT).encode(image);
    double baseRender = measureRender(baseField, seconds);
    double ourRender = measureRender(ourField, seconds);
    renderRow("analytic-v1", baseField, baseRender, baseRender);
    renderRow(session(ModelSource.BUILTIN_DEFAULT).info().name(), ourField, ourRender, baseRender);
  }

  private static void renderRow(String name, GaussianField f, double ms, double baseMs) {
    Scale x4 = Scale.of(4);
    double mp = x4.outputWidth(f.width()) * (double) x4.outputHeight(f.height()) / 1e6;
    System.out.printf(Locale.ROOT, "| %s | %d | %dx%d | %.1f | %.1f | %.2fx the time |%n",
        name, f.k(), f.width(), f.height(), ms, mp / (ms / 1000), ms / baseMs);
  }

  private static double measureRender(GaussianField field, double seconds) {
    CpuRenderer renderer = new CpuRenderer();
    Scale x4 = Scale.of(4);
    long warmUntil = System.nanoTime() + (long) (seconds / 3 * 1e9);
    while (System.nanoTime() < warmUntil) {
      renderer.render(field, x4);
    }
    int n = 0;
    long start = System.nanoTime();
    long end = start + (long) (seconds * 1e9);
    long now;
    do {
      renderer.render(field, x4);
      n++;
      now = System.nanoTime();
    } while (now < end);
    return (now - start) / 1e6 / n;
  }

  private static void row(String name, int[] size, double msPerImage, double baseMs) {
    double mp = size[0] * (double) size[1] / 1e6;
    System.out.printf(Locale.ROOT, "| %s | %dx%d | %.2f | %.2f | %.2fx the time |%n",
        name, size[0], size[1], msPerImage, mp / (msPerImage / 1000), msPerImage / baseMs);
  }

  /** Milliseconds per encode, after a warm-up of a third of the time. */
  private static double measure(String uri, FloatImage image, double seconds) throws Exception {
    ModelSession s = session(uri);
    long warmUntil = System.nanoTime() + (long) (seconds / 3 * 1e9);
    while (System.nanoTime() < warmUntil) {
      s.encode(image);
    }
    int n = 0;
    long start = System.nanoTime();
    long end = start + (long) (seconds * 1e9);
    long now;
    do {
      s.encode(image);
      n++;
      now = System.nanoTime();
    } while (now < end);
    return (now - start) / 1e6 / n;
  }

  private static ModelSession session(String uri) throws Exception {
    ModelInfo info = OnnxSessions.inspect(uri, Device.CPU, 1, new Configuration());
    return OnnxSessions.get(new ModelRef(uri, info.id(), Device.CPU, 1), new Configuration());
  }
}
