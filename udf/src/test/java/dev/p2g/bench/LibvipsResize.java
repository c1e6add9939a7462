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
 * (VIPS_CONCURRENCY=1), its process start subtracted: the same command on an 8 x 8 image, run
 * right after each call, is taken as the cost of starting the process and loading the library
 * (msPerCall). Input and output are in libvips' own uncompressed format (.v) in a memory-backed
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

  /**
   * Milliseconds of one resize by scale, its process start subtracted: the median over the given
   * seconds of the image's run minus the tiny image's run just after it. Paired so that the two
   * see the same machine: the medians of separate runs drifted apart by 10 ms or more on a shared
   * 2-vCPU machine (libvips' x2 read 37-67 ms from one benchmark run to the next, and x0.25 went
   * negative).
   */
  double msPerCall(double scale, double seconds) throws Exception {
    resize(input, scale); // the binary and both inputs in the page cache
    resize(tiny, scale);
    List<Double> differences = new ArrayList<>();
    long end = System.nanoTime() + (long) (seconds * 1e9);
    while (differences.size() < 5 || System.nanoTime() < end) {
      long t0 = System.nanoTime();
      resize(input, scale);
      long t1 = System.nanoTime();
      resize(tiny, scale);
      differences.add(((t1 - t0) - (System.nanoTime() - t1)) / 1e6);
    }
    return BenchClock.median(differences);
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
