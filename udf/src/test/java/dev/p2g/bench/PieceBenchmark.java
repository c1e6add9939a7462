package dev.p2g.bench;

import dev.p2g.encode.AlphaPolicy;
import dev.p2g.encode.FieldEncoder;
import dev.p2g.encode.ImageDecoder;
import dev.p2g.encode.ModelInfo;
import dev.p2g.encode.ModelRef;
import dev.p2g.encode.ModelSession;
import dev.p2g.encode.ModelSource;
import dev.p2g.encode.OnnxSessions;
import dev.p2g.field.F32Codec;
import dev.p2g.field.FieldCodecs;
import dev.p2g.field.FieldRecord;
import dev.p2g.field.GaussianField;
import dev.p2g.io.Device;
import dev.p2g.render.CpuRenderer;
import dev.p2g.render.ImageEncoding;
import dev.p2g.render.OutputFormat;
import dev.p2g.render.Scale;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.apache.hadoop.conf.Configuration;

/**
 * Cache-sized model runs (issue 21, item 1): a 1 MP photo (1152 x 864, cut from PHOTO) encoded
 * by the default model on the CPU, one intra-op thread, as the job encodes it (tiles of 512 plus
 * the halo), with each model run whole and then in pieces of several sides (ModelPieces), in
 * the same run: LR MP/s per core (best of REPS), and how far each field is from the whole-run
 * field (parameters, and its x2 rendering in 8-bit levels).
 *   bin/bench dev.p2g.bench.PieceBenchmark PHOTO [reps, default 2] [model URI, default the built-in]
 */
public final class PieceBenchmark {
  private static final int[] PIECES = {0, 96, 128, 160, 192, 224, 256};

  private PieceBenchmark() {}

  public static void main(String[] args) throws Exception {
    BufferedImage photo = ImageIO.read(Path.of(args[0]).toFile());
    int reps = args.length > 1 ? Integer.parseInt(args[1]) : 2;
    BufferedImage lr = BenchImages.bicubic(photo, 1152, 864);
    byte[] png = ImageEncoding.encode(toBgr(lr), OutputFormat.PNG);
    Configuration hadoop = new Configuration();
    String model = args.length > 2 ? args[2] : ModelSource.BUILTIN_DEFAULT;
    ModelInfo info = OnnxSessions.inspect(model, Device.CPU, 1, hadoop);
    ModelSession session = OnnxSessions.get(new ModelRef(model, info.id(), Device.CPU, 1), hadoop);
    ImageDecoder decoder = new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS, AlphaPolicy.DEFAULT);
    double mp = 1152 * 864 / 1e6;
    System.out.printf(Locale.ROOT, "1152x864 from %s, model %s (receptive field %d), 1 thread, %d cores here%n",
        args[0], info.name(), info.receptiveField(), Runtime.getRuntime().availableProcessors());
    System.out.println("| model runs | s / image | LR MP/s per core | vs whole runs | max param diff | max x2 8-bit diff |");
    System.out.println("|---|---:|---:|---:|---:|---:|");
    List<FieldRecord> whole = null;
    double wholeSeconds = 0;
    for (int piece : PIECES) {
      FieldEncoder encoder = new FieldEncoder(decoder, session, FieldCodecs.byName(F32Codec.NAME),
          FieldEncoder.DEFAULT_TILE, 1, piece);
      List<FieldRecord> fields = encode(encoder, png); // warm-up, and the fields compared
      double best = Double.MAX_VALUE;
      for (int i = 0; i < reps; i++) {
        long t0 = System.nanoTime();
        encode(encoder, png);
        best = Math.min(best, (System.nanoTime() - t0) / 1e9);
      }
      if (whole == null) {
        whole = fields;
        wholeSeconds = best;
      }
      double[] diff = diff(whole, fields);
      System.out.printf(Locale.ROOT, "| %s | %.2f | %.3f | %.2fx | %.1e | %d |%n",
          piece == 0 ? "whole (tiles of 512 + halo)" : "pieces of " + piece, best, mp / best, wholeSeconds / best,
          diff[0], (int) diff[1]);
    }
  }

  private static List<FieldRecord> encode(FieldEncoder encoder, byte[] png) throws Exception {
    FieldEncoder.Tiles tiles = encoder.start("photo.png", "bench", png);
    List<FieldRecord> out = new ArrayList<>();
    while (tiles.hasNext()) {
      out.add(tiles.next());
    }
    return out;
  }

  /** The largest parameter difference and the largest difference of the tiles' x2 renderings in 8-bit levels. */
  private static double[] diff(List<FieldRecord> a, List<FieldRecord> b) {
    double params = 0;
    int levels = 0;
    CpuRenderer renderer = new CpuRenderer();
    for (int t = 0; t < a.size(); t++) {
      GaussianField fa = a.get(t).decodeField();
      GaussianField fb = b.get(t).decodeField();
      for (int i = 0; i < fa.params().length; i++) {
        params = Math.max(params, Math.abs(fa.params()[i] - fb.params()[i]));
      }
      byte[] ra = bytes(renderer.renderRgb8(fa, Scale.of(2)));
      byte[] rb = bytes(renderer.renderRgb8(fb, Scale.of(2)));
      for (int i = 0; i < ra.length; i++) {
        levels = Math.max(levels, Math.abs((ra[i] & 0xff) - (rb[i] & 0xff)));
      }
    }
    return new double[] {params, levels};
  }

  private static byte[] bytes(BufferedImage img) {
    return ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
  }

  private static BufferedImage toBgr(BufferedImage img) {
    BufferedImage bgr = new BufferedImage(img.getWidth(), img.getHeight(), BufferedImage.TYPE_3BYTE_BGR);
    bgr.getGraphics().drawImage(img, 0, 0, null);
    return bgr;
  }
}
