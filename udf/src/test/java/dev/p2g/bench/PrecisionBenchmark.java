package dev.p2g.bench;

import dev.p2g.encode.AlphaPolicy;
import dev.p2g.encode.DecodedImage;
import dev.p2g.encode.ImageDecoder;
import dev.p2g.encode.ModelInfo;
import dev.p2g.encode.ModelRef;
import dev.p2g.encode.ModelSession;
import dev.p2g.encode.OnnxSessions;
import dev.p2g.field.FloatImage;
import dev.p2g.field.GaussianField;
import dev.p2g.io.Device;
import dev.p2g.render.CpuRenderer;
import dev.p2g.render.Scale;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;

/**
 * The float and int8 default models through ONNX Runtime Java on the CPU, one intra-op thread,
 * in the same run, alternated: LR MP/s per core at three input sizes, and how far the int8
 * field is from the float one on a sample photo (parameters; x2 and x4 renderings in 8-bit
 * levels and PSNR between them); with PAIRS (model/export_validation_pairs.py: the model card's
 * validation crops), PSNR-Y against the HR crops at each scale, as model/evaluate.py computes it,
 * for both models: the int8 model's loss, measured through ONNX Runtime itself.
 *   bin/bench dev.p2g.bench.PrecisionBenchmark FLOAT.onnx INT8.onnx [seconds per case, default 4] [PAIRS]
 */
public final class PrecisionBenchmark {
  private static final int[][] SIZES = {{128, 128}, {256, 256}, {512, 384}};

  private PrecisionBenchmark() {}

  public static void main(String[] args) throws Exception {
    ModelSession fp32 = session(Path.of(args[0]));
    ModelSession int8 = session(Path.of(args[1]));
    double seconds = args.length > 2 ? Double.parseDouble(args[2]) : 4;
    System.out.printf(Locale.ROOT, "%s against %s, 1 ONNX intra-op thread, %d cores here, %.0f s a case%n",
        int8.info().name(), fp32.info().name(), Runtime.getRuntime().availableProcessors(), seconds);
    System.out.println("| LR size | fp32 ms | int8 ms | fp32 LR MP/s per core | int8 LR MP/s per core | int8 speed-up |");
    System.out.println("|---|---:|---:|---:|---:|---:|");
    for (int[] size : SIZES) {
      FloatImage image = BenchImages.noise(size[0], size[1]);
      double a = msPerRun(fp32, image, seconds / 2);
      double b = msPerRun(int8, image, seconds / 2);
      a = Math.min(a, msPerRun(fp32, image, seconds / 2)); // alternated: the machine's load hits both
      b = Math.min(b, msPerRun(int8, image, seconds / 2));
      double mp = size[0] * (double) size[1] / 1e6;
      System.out.printf(Locale.ROOT, "| %dx%d | %.1f | %.1f | %.3f | %.3f | %.2fx |%n", size[0], size[1], a, b,
          mp / (a / 1000), mp / (b / 1000), a / b);
    }
    System.out.println();
    System.out.println("| photo | max param diff | x2: max 8-bit diff, PSNR int8 vs fp32 | x4: same |");
    System.out.println("|---|---:|---:|---:|");
    for (String name : new String[] {"colorful-cups.png", "evening-glow.jpg", "grey-weave.png", "test-card.png", "badge-rgba.png"}) {
      byte[] bytes = Files.readAllBytes(Path.of("sample-data/images").resolve(name));
      DecodedImage img = new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS, AlphaPolicy.DEFAULT).decode(bytes, name);
      FloatImage in = img.pixels().region(0, 0, img.width(), img.height());
      GaussianField f = fp32.encode(in);
      GaussianField q = int8.encode(in);
      double params = 0;
      for (int i = 0; i < f.params().length; i++) {
        params = Math.max(params, Math.abs(f.params()[i] - q.params()[i]));
      }
      System.out.printf(Locale.ROOT, "| %s | %.3f | %s | %s |%n", name, params, compare(f, q, 2), compare(f, q, 4));
    }
    if (args.length > 3) {
      quality(fp32, int8, Path.of(args[3]));
    }
  }

  /** PSNR-Y of both models' renderings of each LR crop at its HR crop's size, shaved as evaluate.py does. */
  private static void quality(ModelSession fp32, ModelSession int8, Path pairs) throws Exception {
    System.out.println();
    System.out.println("| scale | crops | fp32 PSNR-Y | int8 PSNR-Y | int8 - fp32 |");
    System.out.println("|---|---:|---:|---:|---:|");
    List<Path> scales;
    try (Stream<Path> s = Files.list(pairs)) {
      scales = s.filter(Files::isDirectory).sorted().toList();
    }
    ImageDecoder decoder = new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS, AlphaPolicy.DEFAULT);
    for (Path dir : scales) {
      double scale = Double.parseDouble(dir.getFileName().toString().substring(1));
      int shave = (int) Math.ceil(scale);
      double sumA = 0;
      double sumB = 0;
      int n = 0;
      for (int i = 0; Files.exists(dir.resolve(String.format("%03d-lr.png", i))); i++, n++) {
        BufferedImage hr = javax.imageio.ImageIO.read(dir.resolve(String.format("%03d-hr.png", i)).toFile());
        DecodedImage lr = decoder.decode(Files.readAllBytes(dir.resolve(String.format("%03d-lr.png", i))), "lr");
        FloatImage in = lr.pixels().region(0, 0, lr.width(), lr.height());
        Scale s = new Scale((double) hr.getWidth() / lr.width(), (double) hr.getHeight() / lr.height());
        CpuRenderer r = new CpuRenderer();
        sumA += psnrY(hr, r.renderRgb8(fp32.encode(in), s), shave);
        sumB += psnrY(hr, r.renderRgb8(int8.encode(in), s), shave);
      }
      System.out.printf(Locale.ROOT, "| x%g | %d | %.3f | %.3f | %+.3f |%n", scale, n, sumA / n, sumB / n,
          (sumB - sumA) / n);
    }
  }

  /** PSNR of the BT.601 Y channel, as model/evaluate.py's psnr_y. */
  private static double psnrY(BufferedImage want, BufferedImage got, int shave) {
    double se = 0;
    long n = 0;
    for (int y = shave; y < want.getHeight() - shave; y++) {
      for (int x = shave; x < want.getWidth() - shave; x++) {
        double d = luma(want.getRGB(x, y)) - luma(got.getRGB(x, y));
        se += d * d;
        n++;
      }
    }
    return 10 * Math.log10(255.0 * 255.0 / (se / n));
  }

  private static double luma(int rgb) {
    return 16.0 + (65.481 * ((rgb >> 16) & 0xff) + 128.553 * ((rgb >> 8) & 0xff) + 24.966 * (rgb & 0xff)) / 255.0;
  }

  private static String compare(GaussianField f, GaussianField q, double scale) {
    CpuRenderer r = new CpuRenderer();
    byte[] a = bytes(r.renderRgb8(f, Scale.of(scale)));
    byte[] b = bytes(r.renderRgb8(q, Scale.of(scale)));
    int worst = 0;
    double se = 0;
    for (int i = 0; i < a.length; i++) {
      int d = (a[i] & 0xff) - (b[i] & 0xff);
      worst = Math.max(worst, Math.abs(d));
      se += d * d;
    }
    double psnr = 10 * Math.log10(255.0 * 255.0 / Math.max(se / a.length, 1e-12));
    return String.format(Locale.ROOT, "%d, %.1f dB", worst, psnr);
  }

  private static byte[] bytes(BufferedImage img) {
    return ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
  }

  private static double msPerRun(ModelSession s, FloatImage image, double seconds) throws Exception {
    return BenchClock.msPerCall(() -> s.encode(image), seconds);
  }

  private static ModelSession session(Path model) throws Exception {
    String uri = model.toAbsolutePath().toUri().toString();
    Configuration conf = new Configuration();
    ModelInfo info = OnnxSessions.inspect(uri, Device.CPU, 1, conf);
    return OnnxSessions.get(new ModelRef(uri, info.id(), Device.CPU, 1), conf);
  }
}
