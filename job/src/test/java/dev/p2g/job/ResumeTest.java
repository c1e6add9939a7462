package dev.p2g.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.p2g.io.HadoopFiles;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Re-running a command skips what is done, redoes what changed, and leaves one row per image and level. */
class ResumeTest {
  static final Path SAMPLES = Path.of("../sample-data/images");
  static final String CHANGED = "test-card.png";

  @TempDir
  Path tmp;

  @Test
  void rerunSkipsEverythingAndRewritesNothing() throws IOException {
    Path input = copySamples(tmp.resolve("in"));
    Path out = tmp.resolve("out with space");
    JobRun first = run(input, out, "png");
    assertEquals(Main.OK, first.exitCode(), first.err());
    OutputSnapshot before = OutputSnapshot.of(out);
    Map<String, FileTime> times = modificationTimes(out.resolve("pyramid"));
    assertEquals(8, before.fieldRows());
    assertEquals(16, before.manifestRows());

    JobRun second = run(input, out, "png");
    assertEquals(Main.OK, second.exitCode(), second.err());
    assertTrue(second.out().contains("encode wrote 0 fields") && second.out().contains("skipped 8 images"),
        second.out());
    assertTrue(second.out().contains("wrote 0 images") && second.out().contains("skipped 16 already rendered"),
        second.out());
    assertEquals(before, OutputSnapshot.of(out));
    assertEquals(times, modificationTimes(out.resolve("pyramid")), "no pyramid file was written again");
  }

  @Test
  void changedSourceAndFormatAreRedoneAndSupersedeTheirRows() throws IOException {
    Path input = copySamples(tmp.resolve("in"));
    Path out = tmp.resolve("out");
    assertEquals(Main.OK, run(input, out, "png").exitCode());
    OutputSnapshot before = OutputSnapshot.of(out);

    invert(input.resolve(CHANGED));
    JobRun second = run(input, out, "png");
    assertEquals(Main.OK, second.exitCode(), second.err());
    assertTrue(second.out().contains("encode wrote 1 fields") && second.out().contains("skipped 7 images"),
        second.out());
    assertTrue(second.out().contains("wrote 2 images") && second.out().contains("skipped 14 already rendered"),
        second.out());
    OutputSnapshot after = OutputSnapshot.of(out);
    assertEquals(8, after.fieldRows(), "the old field of the changed image is gone");
    assertEquals(16, after.manifestRows(), "its old manifest rows are gone");
    String newSha = HadoopFiles.sha256Hex(Files.readAllBytes(input.resolve(CHANGED)));
    assertTrue(after.fields().get(CHANGED).startsWith(newSha), after.fields().get(CHANGED));
    for (String level : new String[] {"x2", "x0.5"}) {
      assertTrue(after.manifest().get(CHANGED + " " + level).endsWith(newSha));
      String image = level + "/test-card.png";
      assertNotEquals(before.pyramid().get(image), after.pyramid().get(image), image + " was rendered again");
    }
    Map<String, String> othersBefore = new TreeMap<>(before.pyramid());
    Map<String, String> othersAfter = new TreeMap<>(after.pyramid());
    othersBefore.keySet().removeIf(k -> k.endsWith("/test-card.png"));
    othersAfter.keySet().removeIf(k -> k.endsWith("/test-card.png"));
    assertEquals(othersBefore, othersAfter);

    JobRun jpg = run(input, out, "jpg");
    assertEquals(Main.OK, jpg.exitCode(), jpg.err());
    assertTrue(jpg.out().contains("wrote 16 images") && jpg.out().contains("removed 16 superseded rows"),
        jpg.out());
    OutputSnapshot inJpg = OutputSnapshot.of(out);
    assertEquals(16, inJpg.manifestRows());
    assertTrue(inJpg.manifest().values().stream().allMatch(v -> v.contains(" jpg ")), inJpg.manifest().toString());
    assertTrue(inJpg.pyramid().keySet().stream().allMatch(k -> k.endsWith(".jpg")),
        "the png images of the superseded rows are removed: " + inJpg.pyramid().keySet());
    assertEquals(16, inJpg.pyramid().size());
  }

  static JobRun run(Path input, Path out, String format) {
    return JobRun.of("run", "--input", input.toString(), "--output", out.toString(), "--scales", "2,0.5",
        "--format", format, "--commit-every", "3", "--model", JobRun.ANALYTIC_MODEL);
  }

  static Path copySamples(Path to) throws IOException {
    try (Stream<Path> files = Files.walk(SAMPLES)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        Path target = to.resolve(SAMPLES.relativize(f).toString());
        Files.createDirectories(target.getParent());
        Files.copy(f, target);
      }
    }
    return to;
  }

  private static void invert(Path png) throws IOException {
    BufferedImage img = ImageIO.read(png.toFile());
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++) {
        img.setRGB(x, y, img.getRGB(x, y) ^ 0x00ffffff);
      }
    }
    ImageIO.write(img, "png", png.toFile());
  }

  static Map<String, FileTime> modificationTimes(Path dir) throws IOException {
    Map<String, FileTime> times = new TreeMap<>();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        times.put(dir.relativize(f).toString(), Files.getLastModifiedTime(f));
      }
    }
    return times;
  }
}
