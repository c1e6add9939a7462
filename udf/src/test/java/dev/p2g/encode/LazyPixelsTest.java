package dev.p2g.encode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.p2g.field.FloatImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Large images keep their raster and convert regions on demand: every region must be exactly
 * the same crop of the eagerly converted image, for every kind of sample (8/16-bit, grey, alpha,
 * JPEG, nested), so that tiled encoding sees the pixels whole-image encoding sees.
 */
class LazyPixelsTest {
  @Test
  void regionsEqualCropsOfTheEagerConversion() throws Exception {
    List<Path> samples;
    try (Stream<Path> s = Files.walk(Path.of("../sample-data/images"))) {
      samples = s.filter(Files::isRegularFile).toList();
    }
    int checked = 0;
    for (Path sample : samples) {
      byte[] bytes = Files.readAllBytes(sample);
      for (AlphaPolicy policy : AlphaPolicy.values()) {
        DecodedImage eager;
        DecodedImage lazy;
        try {
          eager = new ImageDecoder(Long.MAX_VALUE, policy).decode(bytes, sample.toString());
          lazy = new ImageDecoder(Long.MAX_VALUE, policy, 0).decode(bytes, sample.toString());
        } catch (ImageDecodeException e) {
          continue; // the reject policy on an image with alpha: nothing to compare
        }
        if (eager.orientation() != ExifOrientation.NORMAL) {
          continue; // rotated images are converted whole
        }
        assertEquals(eager.hadAlpha(), lazy.hadAlpha(), sample.toString());
        assertEquals(eager.bitsPerSample(), lazy.bitsPerSample(), sample.toString());
        FloatImage whole = eager.rgb();
        int w = whole.width();
        int h = whole.height();
        int[][] regions = {{0, 0, w, h}, {w / 3, h / 4, w / 2, h / 3}, {w - 1, h - 1, 1, 1}, {0, h / 2, w, 1}};
        for (int[] r : regions) {
          assertArrayEquals(whole.crop(r[0], r[1], r[2], r[3]).data(), lazy.pixels().region(r[0], r[1], r[2], r[3]).data(),
              sample + " region " + java.util.Arrays.toString(r) + " " + policy);
          checked++;
        }
      }
    }
    assertEquals(true, checked >= 8 * 4, "regions checked: " + checked);
  }

}
