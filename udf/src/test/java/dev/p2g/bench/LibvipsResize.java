package dev.p2g.bench;

import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * libvips' `vips resize IN OUT SCALE --kernel lanczos3` of an image, one thread
 * (VIPS_CONCURRENCY=1), the median of its calls with the median process start subtracted: the same command on an
 * 8 x 8 image, timed the same way, is taken as the cost of starting the process and loading the
 * library. Input and output are in libvips' own uncompressed format (.v) in a memory-backed
 * directory where there is one (/dev/shm), so no codec is timed on either side.
 */
final class LibvipsResize {
  private final Path dir;
  private final Path input;
  private final Path tiny;
  private final String version;

  private LibvipsResize(Path dir, Path input, Path tiny, String version) {
    this.dir = dir;
    this.input = input;
    this.tiny = tiny;
    this.version = version;
  }

  /** The command ready for image, or null when libvips' command line is not installed. */
  static LibvipsResize find(BufferedImage image) throws IOException, InterruptedException {
    String version;
    try {
      version = run(List.of("vips", "--version")).strip();
    } catch (IOException e) {
      return null;
    }
    Path shm = Path.of("/dev/shm");
    Path dir = Files.isDirectory(shm) && Files.isWritable(shm) ? Files.createTempDirectory(shm, "p2g-vips")
        : Files.createTempDirectory("p2g-vips");
    dir.toFile().deleteOnExit();
    dir.resolve("out.v").toFile().deleteOnExit(); // what resize() writes; files go before their directory
    Path input = convert(image, dir, "input");
    Path tiny = convert(image.getSubimage(0, 0, 8, 8), dir, "tiny");
    return new LibvipsResize(dir, input, tiny, version);
  }

  String version() {
    return version;
  }

  /** Milliseconds of one resize by scale, its process start subtracted. */
  double msPerCall(double scale, double seconds) throws Exception {
    double whole = BenchClock.medianMsPerCall(() -> resize(input, scale), seconds);
    double start = BenchClock.medianMsPerCall(() -> resize(tiny, scale), seconds / 2);
    return whole - start;
  }

  private void resize(Path in, double scale) throws IOException, InterruptedException {
    Path out = dir.resolve("out.v");
    run(List.of("vips", "resize", in.toString(), out.toString(), String.format(Locale.ROOT, "%s", scale), "--kernel",
        "lanczos3"));
  }

  private static Path convert(BufferedImage image, Path dir, String name) throws IOException, InterruptedException {
    File png = dir.resolve(name + ".png").toFile();
    png.deleteOnExit();
    ImageIO.write(image, "png", png);
    Path v = dir.resolve(name + ".v");
    v.toFile().deleteOnExit();
    run(List.of("vips", "copy", png.toString(), v.toString()));
    return v;
  }

  private static String run(List<String> command) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true);
    pb.environment().put("VIPS_CONCURRENCY", "1");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IOException(String.join(" ", command) + " failed: " + out.strip());
    }
    return out;
  }
}
