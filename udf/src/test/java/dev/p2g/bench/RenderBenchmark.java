package dev.p2g.bench;

import dev.p2g.encode.ModelInfo;
import dev.p2g.encode.ModelRef;
import dev.p2g.encode.ModelSession;
import dev.p2g.encode.ModelSource;
import dev.p2g.encode.OnnxSessions;
import dev.p2g.field.GaussianField;
import dev.p2g.io.Device;
import dev.p2g.render.CpuRenderer;
import dev.p2g.render.Scale;
import java.awt.image.BufferedImage;
import java.io.File;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.apache.hadoop.conf.Configuration;

/**
 * CPU render time per output megapixel of a 512 x 512 field of the default model at x2 and x4,
 * one thread, against the plain-resampling baseline measured in the same run: Java2D bicubic
 * (drawImage with VALUE_INTERPOLATION_BICUBIC) of the same LR image to the same output size.
 * The LR image is colorful-cups.png mirrored to 512 x 512 (photographic content: the Gaussians'
 * sizes, and so the render cost, depend on it). Both sides end in an 8-bit image, as the job's
 * render does (CpuRenderer.renderRgb8).
 *
 * <pre>bin/bench dev.p2g.bench.RenderBenchmark [seconds per case, default 5]</pre>
 */
public final class RenderBenchmark {
  private static final int SIZE = 512;

  private RenderBenchmark() {}

  public static void main(String[] args) throws Exception {
    double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 5.0;
    BufferedImage lr = mirrored(ImageIO.read(new File("sample-data/images/colorful-cups.png")), SIZE);
    ModelInfo info = OnnxSessions.inspect(ModelSource.BUILTIN_DEFAULT, Device.CPU, 1, new Configuration());
    ModelSession session = OnnxSessions.get(new ModelRef(ModelSource.BUILTIN_DEFAULT, info.id(), Device.CPU, 1),
        new Configuration());
    GaussianField field = session.encode(BenchImages.toFloat(lr));
    System.out.printf(Locale.ROOT, "render benchmark: %s, k=%d, %dx%d field (%d Gaussians), 1 thread, %.0f s per"
        + " case%n", info.name(), field.k(), SIZE, SIZE, field.count(), seconds);
    System.out.println("| scale | output | p2g CPU render ms | ms per output MP | Java2D bicubic ms | ms per output MP"
        + " | p2g / bicubic |");
    System.out.println("|---|---|---|---|---|---|---|");
    CpuRenderer renderer = new CpuRenderer();
    for (double s : new double[] {2, 4}) {
      Scale scale = Scale.of(s);
      int w = scale.outputWidth(SIZE);
      int h = scale.outputHeight(SIZE);
      double ours = BenchClock.msPerCall(() -> renderer.renderRgb8(field, scale), seconds);
      double base = BenchClock.msPerCall(() -> BenchImages.bicubic(lr, w, h), seconds);
      double mp = w * (double) h / 1e6;
      System.out.printf(Locale.ROOT, "| x%s | %dx%d | %.1f | %.1f | %.1f | %.1f | %.2f |%n", scale.canonical(), w, h,
          ours, ours / mp, base, base / mp, ours / base);
    }
  }



  private static BufferedImage mirrored(BufferedImage src, int size) {
    BufferedImage out = new BufferedImage(size, size, BufferedImage.TYPE_3BYTE_BGR);
    for (int y = 0; y < size; y++) {
      int sy = (y / src.getHeight()) % 2 == 0 ? y % src.getHeight() : src.getHeight() - 1 - y % src.getHeight();
      for (int x = 0; x < size; x++) {
        int sx = (x / src.getWidth()) % 2 == 0 ? x % src.getWidth() : src.getWidth() - 1 - x % src.getWidth();
        out.setRGB(x, y, src.getRGB(sx, sy));
      }
    }
    return out;
  }

}
