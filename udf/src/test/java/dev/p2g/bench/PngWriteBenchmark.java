package dev.p2g.bench;

import dev.p2g.render.ImageEncoding;
import dev.p2g.render.OutputFormat;
import dev.p2g.render.PngRowWriter;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * PNG writing of one large pyramid level (issue 21): a photo cut to LR x LR and upscaled x2
 * (bicubic, as smooth as a rendering) written by ImageIO's PNG writer, by PngRowWriter with
 * several zlib levels and filters, and by libvips (`vips pngsave`, one thread) when it is
 * installed, in the same run: milliseconds (best of REPS) and bytes, with ratios to libvips.
 *   bin/bench dev.p2g.bench.PngWriteBenchmark PHOTO [LR side, default 2048] [reps, default 3]
 */
public final class PngWriteBenchmark {
  private PngWriteBenchmark() {}

  private record Result(String writer, double ms, long bytes) {}

  public static void main(String[] args) throws Exception {
    BufferedImage photo = ImageIO.read(Path.of(args[0]).toFile());
    int lr = args.length > 1 ? Integer.parseInt(args[1]) : 2048;
    int reps = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    int side = Math.min(photo.getWidth(), photo.getHeight());
    BufferedImage square = photo.getSubimage((photo.getWidth() - side) / 2, (photo.getHeight() - side) / 2, side,
        side);
    BufferedImage level = BenchImages.bicubic(BenchImages.bicubic(square, lr, lr), 2 * lr, 2 * lr);
    byte[] rgb = rgbBytes(level);
    int w = level.getWidth();
    int h = level.getHeight();
    List<Result> results = new ArrayList<>();
    Result vips = vips(rgb, w, h, reps);
    results.add(best("ImageIO PNG writer (the whole-image path before)", reps,
        () -> ImageEncoding.encodeWithImageIo(level, OutputFormat.PNG).length));
    for (PngRowWriter.Filter filter : PngRowWriter.Filter.values()) {
      for (int zlib : new int[] {1, 3, 4, 6}) {
        results.add(best("PngRowWriter, " + filter.name().toLowerCase(Locale.ROOT) + " filter, zlib " + zlib, reps,
            () -> rowWriter(rgb, w, h, zlib, filter)));
      }
    }
    System.out.printf("| writer | ms | MB | time / libvips | size / libvips |%n|---|---:|---:|---:|---:|%n");
    if (vips != null) {
      results.add(0, vips);
    }
    for (Result r : results) {
      System.out.printf("| %s | %.0f | %.2f | %s | %s |%n", r.writer(), r.ms(), r.bytes() / 1e6,
          vips == null ? "" : String.format("%.2f", r.ms() / vips.ms()),
          vips == null ? "" : String.format("%.2f", (double) r.bytes() / vips.bytes()));
    }
    System.out.printf("%dx%d RGB (%.1f M pixels) from %s; %s%n", w, h, w * (double) h / 1e6, args[0],
        vips == null ? "libvips not installed: no vips column" : "libvips " + vipsVersion());
  }

  private interface Write {
    long bytes() throws Exception;
  }

  private static Result best(String name, int reps, Write write) throws Exception {
    double best = Double.MAX_VALUE;
    long bytes = 0;
    for (int i = 0; i < reps; i++) {
      long t0 = System.nanoTime();
      bytes = write.bytes();
      best = Math.min(best, (System.nanoTime() - t0) / 1e6);
    }
    return new Result(name, best, bytes);
  }

  private static long rowWriter(byte[] rgb, int w, int h, int level, PngRowWriter.Filter filter) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(rgb.length / 2);
    byte[] row = new byte[3 * w];
    try (PngRowWriter png = new PngRowWriter(out, w, h, level, filter)) {
      for (int y = 0; y < h; y++) {
        System.arraycopy(rgb, y * row.length, row, 0, row.length);
        png.row(row);
      }
    }
    return out.size();
  }

  /** libvips' pngsave at its defaults (compression 6) on one thread, from its own mapped format; null without vips. */
  private static Result vips(byte[] rgb, int w, int h, int reps) throws Exception {
    if (vipsVersion() == null) {
      return null;
    }
    Path dir = Files.createTempDirectory("p2g-png-bench");
    Path raw = Files.write(dir.resolve("level.rgb"), rgb);
    Path native_ = dir.resolve("level.v");
    run("vips", "rawload", raw.toString(), native_.toString(), Integer.toString(w), Integer.toString(h), "3");
    Path png = dir.resolve("level.png");
    Result r = best("libvips 8 pngsave, compression 6, one thread", reps, () -> {
      run("vips", "--vips-concurrency=1", "pngsave", native_.toString(), png.toString(), "--compression", "6");
      return Files.size(png);
    });
    return r;
  }

  private static String vipsVersion() {
    try {
      Process p = new ProcessBuilder("vips", "--version").redirectErrorStream(true).start();
      String v = new String(p.getInputStream().readAllBytes()).trim();
      return p.waitFor() == 0 ? v : null;
    } catch (IOException | InterruptedException e) {
      return null;
    }
  }

  private static void run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).inheritIO().start();
    if (p.waitFor() != 0) {
      throw new IOException(String.join(" ", command) + " failed");
    }
  }

  private static byte[] rgbBytes(BufferedImage img) {
    BufferedImage bgr = new BufferedImage(img.getWidth(), img.getHeight(), BufferedImage.TYPE_3BYTE_BGR);
    bgr.getGraphics().drawImage(img, 0, 0, null);
    byte[] d = ((DataBufferByte) bgr.getRaster().getDataBuffer()).getData();
    byte[] rgb = new byte[d.length];
    for (int i = 0; i < d.length; i += 3) {
      rgb[i] = d[i + 2];
      rgb[i + 1] = d[i + 1];
      rgb[i + 2] = d[i];
    }
    return rgb;
  }
}
