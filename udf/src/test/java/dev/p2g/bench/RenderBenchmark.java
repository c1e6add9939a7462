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
import dev.p2g.render.TiledRender;
import java.awt.image.BufferedImage;
import java.io.File;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.apache.hadoop.conf.Configuration;

/**
 * CPU render time of a 512 x 512 field of the default model, one thread, against two plain
 * resamplers of the same LR image to the same size measured in the same run: libvips' Lanczos3
 * (issue 33's yardstick, see LibvipsResize) and Java2D bicubic. The LR image is
 * colorful-cups.png mirrored to 512 x 512 (photographic content: the Gaussians' sizes, and so
 * the render cost, depend on it). Our side ends in an 8-bit image, as the job's render does
 * (CpuRenderer.renderRgb8); libvips' in its own uncompressed format in memory-backed files.
 * Times are medians of calls over the given seconds (BenchClock.medianMsPerCall). Cases: the upscales x2 and x4, the downscales x0.5 and x0.25 (a model with a degradation
 * samples them at twice the LR pixels, then reduces), and x2 and x4 of the same field cut into
 * four 256 x 256 tiles rendered band by band (TiledRender, the path of images stored as tiles).
 *
 * <pre>
 * apt-get install libvips-tools   # for the libvips columns (Debian's 8.14); without it they read n/a
 * bin/bench dev.p2g.bench.RenderBenchmark [seconds per case, default 5]
 * </pre>
 */
public final class RenderBenchmark {
  private static final int SIZE = 512;
  private static final int TILE = 256;

  private RenderBenchmark() {}

  public static void main(String[] args) throws Exception {
    double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 5.0;
    BufferedImage lr = BenchImages.mirrored(ImageIO.read(new File("sample-data/images/colorful-cups.png")), SIZE);
    ModelInfo info = OnnxSessions.inspect(ModelSource.BUILTIN_DEFAULT, Device.CPU, 1, new Configuration());
    ModelSession session = OnnxSessions.get(new ModelRef(ModelSource.BUILTIN_DEFAULT, info.id(), Device.CPU, 1),
        new Configuration());
    GaussianField field = session.encode(BenchImages.toFloat(lr));
    LibvipsResize vips = LibvipsResize.find(lr);
    System.out.printf(Locale.ROOT, "render benchmark: %s, k=%d, %dx%d field (%d Gaussians, degradation %s), 1 thread,"
        + " %.0f s per case; libvips: %s%n", info.name(), field.k(), SIZE, SIZE, field.count(),
        field.degradation(), seconds, vips == null ? "not installed" : vips.version());
    System.out.println("| case | output | p2g ms | ms per output MP | libvips lanczos3 ms | p2g / libvips"
        + " | Java2D bicubic ms | p2g / bicubic |");
    System.out.println("|---|---|---|---|---|---|---|---|");
    CpuRenderer renderer = new CpuRenderer();
    for (double s : new double[] {2, 4, 0.5, 0.25}) {
      Scale scale = Scale.of(s);
      row("x" + scale.canonical(), scale, () -> renderer.renderRgb8(field, scale), lr, vips, seconds);
    }
    double reach = 0;
    for (int y = 0; y < SIZE; y += TILE) {
      for (int x = 0; x < SIZE; x += TILE) {
        reach = Math.max(reach, field.crop(x, y, TILE, TILE).reach());
      }
    }
    for (double s : new double[] {2, 4}) {
      Scale scale = Scale.of(s);
      double tileReach = reach;
      row("x" + scale.canonical() + " in " + TILE + " tiles", scale, () -> tiled(renderer, field, scale, tileReach),
          lr, vips, seconds);
    }
  }

  private static void row(String name, Scale scale, BenchClock.Work ours, BufferedImage lr, LibvipsResize vips,
      double seconds) throws Exception {
    int w = scale.outputWidth(SIZE);
    int h = scale.outputHeight(SIZE);
    double mp = w * (double) h / 1e6;
    double p2g = BenchClock.medianMsPerCall(ours, seconds);
    double bicubic = BenchClock.medianMsPerCall(() -> BenchImages.bicubic(lr, w, h), seconds);
    double lanczos = vips == null ? Double.NaN : vips.msPerCall(scale.x(), seconds);
    System.out.printf(Locale.ROOT, "| %s | %dx%d | %.1f | %.1f | %s | %s | %.1f | %.2f |%n", name, w, h, p2g, p2g / mp,
        vips == null ? "n/a" : String.format(Locale.ROOT, "%.1f", lanczos),
        vips == null ? "n/a" : String.format(Locale.ROOT, "%.2f", p2g / lanczos), bicubic, p2g / bicubic);
  }

  /** The field cut into TILE x TILE tiles in raster order and rendered band by band, rows dropped. */
  private static void tiled(CpuRenderer renderer, GaussianField field, Scale scale, double reach) throws Exception {
    TiledRender render = new TiledRender(renderer, SIZE, SIZE, scale, field.degradation(), reach, TILE, row -> { });
    for (int y = 0; y < SIZE; y += TILE) {
      for (int x = 0; x < SIZE; x += TILE) {
        render.add(new TiledRender.Tile(field.crop(x, y, TILE, TILE), x, y));
      }
    }
    render.finish();
  }
}
