package dev.p2g.bench;

import dev.p2g.encode.AlphaPolicy;
import dev.p2g.encode.FieldEncoder;
import dev.p2g.encode.ImageDecoder;
import dev.p2g.encode.ModelInfo;
import dev.p2g.encode.ModelRef;
import dev.p2g.encode.ModelSession;
import dev.p2g.encode.ModelSource;
import dev.p2g.encode.OnnxSessions;
import dev.p2g.field.FieldCodecs;
import dev.p2g.io.Device;
import dev.p2g.spark.LargeImageParts;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.util.Locale;
import java.util.Random;
import javax.imageio.ImageIO;
import org.apache.hadoop.conf.Configuration;

/**
 * The tiled path's encode rate per core against whole images of the same pixels, one thread as
 * in a Spark task: a W x H JPEG encoded tile by tile through FieldEncoder (decode, model in
 * pieces, codec), once as one task does it and once in parts of LargeImageParts.TILES_PER_PART
 * tiles, each part decoding the image again as its own task does; and its 512 x 512 crops as
 * separate JPEGs encoded whole.
 *
 * <pre>bin/bench dev.p2g.bench.TiledEncodeBenchmark [width height rounds], default 1536 1024 2</pre>
 */
public final class TiledEncodeBenchmark {
  private static final int TILE = FieldEncoder.DEFAULT_TILE;

  public static void main(String[] args) throws Exception {
    int width = args.length > 0 ? Integer.parseInt(args[0]) : 1536;
    int height = args.length > 1 ? Integer.parseInt(args[1]) : 1024;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 2;
    ModelSession session = session(ModelSource.BUILTIN_DEFAULT);
    BufferedImage photo = photo(width, height);
    byte[] big = jpeg(photo);
    int across = width / TILE;
    int down = height / TILE;
    byte[][] crops = new byte[across * down][];
    for (int t = 0; t < crops.length; t++) {
      crops[t] = jpeg(photo.getSubimage((t % across) * TILE, (t / across) * TILE, TILE, TILE));
    }
    FieldEncoder encoder = new FieldEncoder(new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS, AlphaPolicy.BLACK),
        session, FieldCodecs.byName(FieldCodecs.DEFAULT), TILE, 1);
    encoder.start("warm", "warm", crops[0]).next(); // JIT and ONNX Runtime's first run out of the timings
    int parts = LargeImageParts.parts(FieldEncoder.tiles(width, height, TILE));
    double mp = (double) across * down * TILE * TILE / 1e6;
    System.out.printf(Locale.ROOT, "tiled encode benchmark: %s, %dx%d JPEG (%d tiles of %d, %d parts) against its"
        + " %d crops as whole images, 1 ONNX intra-op thread, %d cores, %d rounds%n", session.info().name(), width,
        height, across * down, TILE, parts, crops.length, Runtime.getRuntime().availableProcessors(), rounds);
    double[] seconds = new double[3];
    for (int r = 0; r < rounds; r++) { // alternated, so that drift in the machine's speed hits every case
      seconds[0] += time(() -> {
        for (byte[] c : crops) {
          encoder.start("crop", "crop", c).next();
        }
      });
      seconds[1] += time(() -> drain(encoder.start("big", "big", big)));
      seconds[2] += time(() -> {
        for (int p = 0; p < parts; p++) {
          drain(encoder.start("big", "big", big, p, parts));
        }
      });
    }
    System.out.println("| case | LR MP | s per pass | LR MP/s per core | vs whole images |");
    System.out.println("|---|---|---|---|---|");
    String[] names = {"whole 512x512 images", "tiled, one task", "tiled, in " + parts + " parts (a decode each)"};
    for (int c = 0; c < 3; c++) {
      double s = seconds[c] / rounds;
      System.out.printf(Locale.ROOT, "| %s | %.2f | %.1f | %.4f | %.2fx the time |%n", names[c], mp, s, mp / s,
          s / (seconds[0] / rounds));
    }
  }

  private static void drain(FieldEncoder.Tiles tiles) throws Exception {
    while (tiles.hasNext()) {
      tiles.next();
    }
  }

  private interface Pass {
    void run() throws Exception;
  }

  private static double time(Pass pass) throws Exception {
    long t0 = System.nanoTime();
    pass.run();
    return (System.nanoTime() - t0) / 1e9;
  }

  /** Smooth waves with fine noise: something a JPEG encoder treats as a photo. */
  private static BufferedImage photo(int w, int h) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
    Random noise = new Random(1);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int r = (int) (127 + 100 * Math.sin(x / 37.0) * Math.cos(y / 53.0)) + noise.nextInt(24);
        int g = (int) (x * 200L / w) + noise.nextInt(24);
        int b = (int) (127 + 100 * Math.cos((x + y) / 71.0)) + noise.nextInt(24);
        img.setRGB(x, y, clamp(r) << 16 | clamp(g) << 8 | clamp(b));
      }
    }
    return img;
  }

  private static int clamp(int v) {
    return Math.max(0, Math.min(255, v));
  }

  private static byte[] jpeg(BufferedImage img) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(img, "jpg", out);
    return out.toByteArray();
  }

  private static ModelSession session(String uri) throws Exception {
    ModelInfo info = OnnxSessions.inspect(uri, Device.CPU, 1, new Configuration());
    return OnnxSessions.get(new ModelRef(uri, info.id(), Device.CPU, 1), new Configuration());
  }
}
