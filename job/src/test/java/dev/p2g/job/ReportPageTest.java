package dev.p2g.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The run report: summary.json says what is on disk, and index.html loads in headless Chromium
 * with no console message and every image decoded. Chromium is Debian's package, which .ci/run
 * installs; elsewhere the page checks are skipped when it is missing (never under CI=true).
 * -Dp2g.report.screenshot=FILE keeps the screenshot (docs/report.png comes from here).
 */
class ReportPageTest {
  private static final Path SAMPLES = Path.of("../sample-data/images");
  private static final List<String> PICKED = List.of("colorful-cups.png", "evening-glow.jpg", "badge-rgba.png");

  @TempDir
  Path tmp;

  @Test
  void theReportSaysWhatIsOnDiskAndLoadsInABrowser() throws Exception {
    Path input = tmp.resolve("in");
    Files.createDirectories(input);
    for (String name : PICKED) {
      Files.copy(SAMPLES.resolve(name), input.resolve(name));
    }
    Files.writeString(input.resolve("notes.png"), "text, not a PNG\n");
    Path out = tmp.resolve("out");
    JobRun run = JobRun.of("run", "--input", input.toString(), "--output", out.toString(), "--scales", "0.5,2",
        "--progress-every", "0");
    assertEquals(Main.OK, run.exitCode(), run.err());
    assertTrue(run.out().contains("p2g: report file:" + out.resolve("report/index.html")), run.out());

    JsonNode s = new ObjectMapper().readTree(out.resolve("report/summary.json").toFile());
    assertEquals("p2g-dgp-v2", s.path("model").path("name").asText());
    assertEquals(4, s.path("images_listed").asLong());
    assertEquals(3, s.path("encode").path("written").asLong());
    assertEquals(1, s.path("errors_by_class").path("decode.unrecognised").asLong(), s.toString());
    for (String level : List.of("x0.5", "x2")) {
      JsonNode l = s.path("levels").path(level);
      assertEquals(3, l.path("images").asLong(), level);
      assertEquals(3, l.path("written_this_run").asLong(), level);
      assertEquals(bytesOfFiles(out.resolve("pyramid").resolve(level), ".png"), l.path("bytes").asLong(), level);
    }
    assertEquals(bytesOfFiles(out.resolve("fields"), ".parquet"), s.path("bytes_stored").path("fields").asLong());
    assertEquals("cpu", s.path("devices_used").path(0).asText());
    assertEquals("[\"cpu\"]", s.path("encode").path("devices").toString(), "where the encode tasks ran");
    assertEquals("[\"cpu\"]", s.path("render").path("devices").toString(), "where the render tasks ran");
    assertTrue(SparkTestSession.get().read().parquet(out.resolve("fields").toString())
        .selectExpr("encode_device").distinct().collectAsList().stream()
        .allMatch(r -> "cpu".equals(r.getString(0))), "every field row says where the model ran");

    // render alone knows the model and codec only from the stored fields
    Path again = tmp.resolve("again");
    JobRun render = JobRun.of("render", "--fields", out.resolve("fields").toString(), "--output", again.toString(),
        "--scales", "3", "--progress-every", "0");
    assertEquals(Main.OK, render.exitCode(), render.err());
    JsonNode r = new ObjectMapper().readTree(again.resolve("report/summary.json").toFile());
    assertEquals("q8", r.path("codec").asText());
    assertEquals(s.path("model").path("id").asText(), r.path("model").path("id").asText());
    assertEquals(3, r.path("levels").path("x3").path("images").asLong());
    assertTrue(r.path("encode").isMissingNode(), "no encode stage in a render");

    Path page = out.resolve("report/index.html");
    String html = Files.readString(page);
    assertTrue(html.contains("decode.unrecognised") && html.contains("notes.png"), "the error table");
    assertTrue(!html.contains("src=\"http") && !html.contains("href=\"http"), "self-contained");

    Chromium chromium = Chromium.find();
    int images = PICKED.size() * 2 * 3; // each sample, each level: p2g, lanczos3 and bicubic
    Chromium.Page loaded = chromium.dumpDom(page.toUri().toString(), 5000);
    assertTrue(loaded.dom().contains("data-images-loaded=\"" + images + "/" + images + "\""), loaded.dom());
    assertEquals(List.of(), loaded.console(), "console messages of the report page");

    // The checks can fail: a page with one image broken and a script error is caught by both.
    Path broken = tmp.resolve("broken.html");
    Files.writeString(broken, html.replaceFirst("data:image/png;base64,", "data:image/png;base64,AAAA")
        .replace("</body>", "<script>undefinedFunction();</script></body>"));
    Chromium.Page bad = chromium.dumpDom(broken.toUri().toString(), 5000);
    assertTrue(bad.dom().contains("data-images-loaded=\"" + (images - 1) + "/" + images + "\""), bad.dom());
    assertTrue(bad.dom().contains("1 of " + images + " images did not load"), "the page says so");
    assertEquals(1, bad.console().size(), bad.console().toString());

    Path shot = tmp.resolve("report.png");
    chromium.screenshot(page.toUri().toString(), shot);
    BufferedImage img = ImageIO.read(shot.toFile());
    assertEquals(1280, img.getWidth());
    assertTrue(distinctColours(img) > 1000, "the screenshot shows the photographs");
    String keep = System.getProperty("p2g.report.screenshot");
    if (keep != null && !keep.isBlank()) {
      Files.copy(shot, Path.of(keep), StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private static long bytesOfFiles(Path dir, String suffix) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(f -> f.getFileName().toString().endsWith(suffix) && !f.getFileName().toString().startsWith("."))
          .mapToLong(f -> f.toFile().length()).sum();
    }
  }

  private static int distinctColours(BufferedImage img) {
    java.util.Set<Integer> seen = new java.util.HashSet<>();
    for (int y = 0; y < img.getHeight(); y += 2) {
      for (int x = 0; x < img.getWidth(); x += 2) {
        seen.add(img.getRGB(x, y));
      }
    }
    return seen.size();
  }
}
