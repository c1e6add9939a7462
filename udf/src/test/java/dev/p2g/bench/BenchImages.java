package dev.p2g.bench;

import dev.p2g.field.FloatImage;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;

/** Image helpers the benchmark mains share: Java2D bicubic resampling (the plain baseline) and model input. */
public final class BenchImages {
  private BenchImages() {}

  /** src resampled to w x h with Java2D bicubic, as 8-bit RGB. */
  static BufferedImage bicubic(BufferedImage src, int w, int h) {
    BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
    Graphics2D g = out.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
    g.drawImage(src, 0, 0, w, h, null);
    g.dispose();
    return out;
  }

  /** 8-bit RGB to the model's input: values / 255. */
  public static FloatImage toFloat(BufferedImage img) {
    FloatImage f = FloatImage.blank(img.getWidth(), img.getHeight());
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++) {
        int rgb = img.getRGB(x, y);
        f.set(0, x, y, ((rgb >> 16) & 0xff) / 255f);
        f.set(1, x, y, ((rgb >> 8) & 0xff) / 255f);
        f.set(2, x, y, (rgb & 0xff) / 255f);
      }
    }
    return f;
  }

  /** A w x h image of uniform noise, the same every call: a model input whose content does not matter. */
  static FloatImage noise(int w, int h) {
    FloatImage img = FloatImage.blank(w, h);
    java.util.Random r = new java.util.Random(1);
    float[] d = img.data();
    for (int i = 0; i < d.length; i++) {
      d[i] = r.nextFloat();
    }
    return img;
  }

  /** src tiled to size x size, every other copy mirrored so that no seam shows: a larger photograph. */
  public static BufferedImage mirrored(BufferedImage src, int size) {
    BufferedImage out = new BufferedImage(size, size, BufferedImage.TYPE_3BYTE_BGR);
    for (int y = 0; y < size; y++) {
      int sy = (y / src.getHeight()) % 2 == 0 ? y % src.getHeight() : src.getHeight() - 1 - y % src.getHeight();
      for (int x = 0; x < size; x++) {
        int sx = (x / src.getWidth()) % 2 == 0 ? x % src.getWidth() : src.getWidth() - 1 - x % src.getWidth();
        out.setRGB(x, y, src.getRGB(sx, sy));
      }
    }
    return out;
  }
}
