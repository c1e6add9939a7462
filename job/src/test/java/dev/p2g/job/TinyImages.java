package dev.p2g.job;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;

/**
 * Writes N small PNGs (smooth gradients with noise, different for each) in folders of 1,000, for
 * runs of the whole job at a scale of images rather than pixels:
 *   bin/bench dev.p2g.job.TinyImages 100000 /tmp/tiny [side]
 */
public final class TinyImages {
  private TinyImages() {}

  public static void main(String[] args) throws IOException {
    int n = Integer.parseInt(args[0]);
    Path root = Path.of(args[1]);
    int side = args.length > 2 ? Integer.parseInt(args[2]) : 16;
    for (int i = 0; i < n; i++) {
      Path file = root.resolve(String.format("f%03d/img-%06d.png", i / 1000, i));
      if (i % 1000 == 0) {
        Files.createDirectories(file.getParent());
      }
      ImageIO.write(image(i, side), "png", file.toFile());
    }
    System.out.printf("%,d images of %dx%d under %s%n", n, side, side, root);
  }

  static BufferedImage image(int seed, int side) {
    SplittableRandom random = new SplittableRandom(seed);
    BufferedImage img = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
    int[] base = {random.nextInt(256), random.nextInt(256), random.nextInt(256)};
    int[] slope = {random.nextInt(-8, 9), random.nextInt(-8, 9), random.nextInt(-8, 9)};
    for (int y = 0; y < side; y++) {
      for (int x = 0; x < side; x++) {
        int rgb = 0;
        for (int c = 0; c < 3; c++) {
          int v = base[c] + slope[c] * (c == 1 ? y : x) + random.nextInt(-12, 13);
          rgb = (rgb << 8) | Math.max(0, Math.min(255, v));
        }
        img.setRGB(x, y, rgb);
      }
    }
    return img;
  }
}
