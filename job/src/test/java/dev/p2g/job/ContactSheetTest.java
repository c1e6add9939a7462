package dev.p2g.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.p2g.encode.AlphaPolicy;
import dev.p2g.encode.ImageDecoder;
import dev.p2g.encode.TestImages;
import dev.p2g.field.FloatImage;
import dev.p2g.render.LevelQuality;
import dev.p2g.render.Resample;
import dev.p2g.render.ResampleFilter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report's contact sheet puts each level beside Lanczos3 and bicubic resizes of the upright
 * source: for a JPEG whose EXIF orientation is 6 (stored on its side), the reference panels show
 * the same picture as p2g's level, and the raw stored pixels would not.
 */
class ContactSheetTest {
  private static final Path SAMPLES = Path.of("../sample-data/images");
  private static final Pattern PANEL = Pattern.compile("<img src=\"data:image/png;base64,([^\"]+)\" alt=\"([^\"]+)\">");

  @TempDir
  Path tmp;

  @Test
  void referencePanelsShowTheUprightSourceBesideEachLevel() throws Exception {
    Path input = Files.createDirectories(tmp.resolve("in"));
    byte[] raw = Files.readAllBytes(SAMPLES.resolve("evening-glow.jpg")); // 512 x 320 as stored
    Files.write(input.resolve("turned.jpg"), TestImages.insertAfterSoi(raw, TestImages.exifOrientation(6, false)));
    Path out = tmp.resolve("out");
    JobRun run = JobRun.of("run", "--input", input.toString(), "--output", out.toString(), "--scales", "0.5,2",
        "--progress-every", "0");
    assertEquals(Main.OK, run.exitCode(), run.err());

    Map<String, FloatImage> panels = new HashMap<>();
    Matcher m = PANEL.matcher(Files.readString(out.resolve("report/index.html")));
    while (m.find()) {
      panels.put(m.group(2), decode(Base64.getDecoder().decode(m.group(1))));
    }
    for (String level : new String[] {"x0.5", "x2"}) {
      for (String column : new String[] {"p2g", "lanczos3", "bicubic"}) {
        assertTrue(panels.containsKey("turned.jpg at " + level + ", " + column), column + " panel of " + level);
      }
    }
    FloatImage p2g = panels.get("turned.jpg at x0.5, p2g");
    double lanczos = LevelQuality.psnrY(p2g, panels.get("turned.jpg at x0.5, lanczos3"));
    double bicubic = LevelQuality.psnrY(p2g, panels.get("turned.jpg at x0.5, bicubic"));
    // the control: the same window made from the pixels as stored, not turned upright
    FloatImage stored = new ImageDecoder(10_000_000, AlphaPolicy.DEFAULT).decode(raw, "stored").rgb();
    int w = p2g.width();
    int h = p2g.height();
    // the x0.5 level of the upright 320 x 512 picture is 160 x 256; the window is its centre
    FloatImage wrong = LevelQuality.levels8(Resample.window(stored, 160, 256, (160 - w) / 2, (256 - h) / 2, w, h,
        ResampleFilter.LANCZOS3));
    double control = LevelQuality.psnrY(p2g, wrong);
    double upscale = LevelQuality.psnrY(panels.get("turned.jpg at x2, p2g"), panels.get("turned.jpg at x2, lanczos3"));
    System.out.printf("contact sheet of an orientation-6 JPEG: x0.5 p2g vs lanczos3 %.1f dB, vs bicubic %.1f dB,"
        + " vs the stored pixels' window %.1f dB; x2 p2g vs lanczos3 %.1f dB%n", lanczos, bicubic, control, upscale);
    assertTrue(lanczos >= 40, "x0.5: p2g and the Lanczos3 panel differ: " + lanczos + " dB");
    assertTrue(bicubic >= 30, "x0.5: p2g and the bicubic panel differ: " + bicubic + " dB");
    assertTrue(upscale >= 25, "x2: p2g and the Lanczos3 panel differ: " + upscale + " dB");
    assertTrue(control < 20, "the stored pixels' window looks like the level too: " + control + " dB");
  }

  private static FloatImage decode(byte[] png) throws Exception {
    return LevelQuality.levels8(new ImageDecoder(10_000_000, AlphaPolicy.DEFAULT).decode(png, "panel").rgb());
  }
}
