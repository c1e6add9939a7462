package dev.p2g.bench;

import com.github.luben.zstd.Zstd;
import dev.p2g.encode.ModelInfo;
import dev.p2g.encode.ModelRef;
import dev.p2g.encode.ModelSession;
import dev.p2g.encode.ModelSource;
import dev.p2g.encode.OnnxSessions;
import dev.p2g.field.F16Codec;
import dev.p2g.field.F32Codec;
import dev.p2g.field.FieldCodec;
import dev.p2g.field.FloatImage;
import dev.p2g.field.GaussianField;
import dev.p2g.field.Q8Codec;
import dev.p2g.io.Device;
import dev.p2g.render.CpuRenderer;
import dev.p2g.render.ImageEncoding;
import dev.p2g.render.Scale;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.File;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.apache.hadoop.conf.Configuration;
import org.xerial.snappy.Snappy;

/**
 * Field bytes per LR pixel for each codec (raw, and after Snappy and zstd, Parquet's codecs)
 * against the re-render loss: each sample image is the HR reference, downscaled x2 and x4 with
 * Java2D bicubic to make the LR input; the default model's field is stored with each codec and
 * rendered back to HR size; the loss is the PSNR (8-bit RGB) of f32 minus that of the codec.
 *
 * <pre>bin/bench dev.p2g.bench.CodecBenchmark</pre>
 */
public final class CodecBenchmark {
  private static final List<String> SAMPLES = List.of("colorful-cups.png", "evening-glow.jpg", "grey-weave.png",
      "fallen-leaf-16bit.png", "test-card.png", "badge-rgba.png");

  private CodecBenchmark() {}

  public static void main(String[] args) throws Exception {
    ModelInfo info = OnnxSessions.inspect(ModelSource.BUILTIN_DEFAULT, Device.CPU, 1, new Configuration());
    ModelSession session = OnnxSessions.get(new ModelRef(ModelSource.BUILTIN_DEFAULT, info.id(), Device.CPU, 1),
        new Configuration());
    List<FieldCodec> codecs = List.of(new F32Codec(), new F16Codec(), new Q8Codec());
    int cases = 0;
    double[] raw = new double[codecs.size()];
    double[] snappy = new double[codecs.size()];
    double[] zstd = new double[codecs.size()];
    double[] loss = new double[codecs.size()];
    double[] worst = new double[codecs.size()];
    long lrPixels = 0;
    for (String name : SAMPLES) {
      BufferedImage hr = rgb(ImageIO.read(new File("sample-data/images/" + name)));
      for (int s : new int[] {2, 4}) {
        int w = hr.getWidth() / s;
        int h = hr.getHeight() / s;
        BufferedImage hrCrop = hr.getSubimage(0, 0, w * s, h * s);
        GaussianField field = session.encode(BenchImages.toFloat(BenchImages.bicubic(hrCrop, w, h)));
        lrPixels += (long) w * h;
        double reference = Double.NaN;
        for (int c = 0; c < codecs.size(); c++) {
          byte[] bytes = codecs.get(c).encode(field);
          raw[c] += bytes.length;
          snappy[c] += Snappy.compress(bytes).length;
          zstd[c] += Zstd.compress(bytes, 3).length;
          GaussianField back = codecs.get(c).decode(bytes, w, h, field.k());
          double psnr = psnr(new CpuRenderer().render(back, Scale.of(s)), hrCrop);
          if (c == 0) {
            reference = psnr;
          }
          loss[c] += reference - psnr;
          worst[c] = Math.max(worst[c], reference - psnr);
        }
        cases++;
      }
    }
    System.out.printf(Locale.ROOT, "codec benchmark: %s (k=%d), %d cases (%d samples x2 and x4), %d LR pixels%n",
        info.name(), info.k(), cases, SAMPLES.size(), lrPixels);
    System.out.println("| codec | bytes / LR px | + Snappy | + zstd 3 | PSNR loss, mean (dB) | worst (dB) |");
    System.out.println("|---|---|---|---|---|---|");
    for (int c = 0; c < codecs.size(); c++) {
      System.out.printf(Locale.ROOT, "| %s | %.1f | %.1f | %.1f | %.4f | %.4f |%n", codecs.get(c).name(),
          raw[c] / lrPixels, snappy[c] / lrPixels, zstd[c] / lrPixels, loss[c] / cases, worst[c]);
    }
  }

  private static double psnr(FloatImage img, BufferedImage ref) {
    double se = 0;
    int w = img.width();
    int h = img.height();
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int rgb = ref.getRGB(x, y);
        int[] want = {(rgb >> 16) & 0xff, (rgb >> 8) & 0xff, rgb & 0xff};
        for (int c = 0; c < 3; c++) {
          double d = ImageEncoding.quantize(img.get(c, x, y)) - want[c];
          se += d * d;
        }
      }
    }
    return 10 * Math.log10(255.0 * 255.0 / (se / (3.0 * w * h)));
  }

  private static BufferedImage rgb(BufferedImage src) {
    BufferedImage out = new BufferedImage(src.getWidth(), src.getHeight(), BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    g.drawImage(src, 0, 0, null);
    g.dispose();
    return out;
  }


}
