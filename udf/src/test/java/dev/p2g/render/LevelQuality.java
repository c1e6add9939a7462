package dev.p2g.render;

import dev.p2g.field.FloatImage;

/**
 * The measures of a pyramid level's fidelity used by DownscaleFidelityTest and
 * LevelQualityBenchmark, on 8-bit images (FloatImages holding levels 0..255): PSNR on luma
 * (ITU-R BT.601, as super-resolution papers and model/evaluate.py compute it), high-frequency
 * energy (standard deviation of the 4-neighbour Laplacian of luma), and the aliasing of a
 * downscaled zone plate (the energy that frequencies above the output's Nyquist leave in it).
 */
public final class LevelQuality {
  private LevelQuality() {}

  /** The image as its 8-bit levels, quantised as the job quantises. */
  public static FloatImage levels8(FloatImage img) {
    float[] d = img.data();
    float[] q = new float[d.length];
    for (int i = 0; i < d.length; i++) {
      q[i] = ImageEncoding.quantize(d[i]);
    }
    return new FloatImage(img.width(), img.height(), q);
  }

  public static double psnrY(FloatImage a8, FloatImage b8) {
    check(a8, b8);
    double sum = 0;
    for (int v = 0; v < a8.height(); v++) {
      for (int u = 0; u < a8.width(); u++) {
        double d = luma(a8, u, v) - luma(b8, u, v);
        sum += d * d;
      }
    }
    double mse = sum / ((double) a8.width() * a8.height());
    return mse == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(255.0 * 255.0 / mse);
  }

  /** Standard deviation of the 4-neighbour Laplacian of luma, over the pixels that have 4 neighbours. */
  public static double highFrequencyEnergy(FloatImage a8) {
    double sum = 0;
    double sq = 0;
    long n = 0;
    for (int v = 1; v < a8.height() - 1; v++) {
      for (int u = 1; u < a8.width() - 1; u++) {
        double lap = 4 * luma(a8, u, v) - luma(a8, u - 1, v) - luma(a8, u + 1, v) - luma(a8, u, v - 1)
            - luma(a8, u, v + 1);
        sum += lap;
        sq += lap * lap;
        n++;
      }
    }
    double mean = sum / n;
    return Math.sqrt(Math.max(0, sq / n - mean * mean));
  }

  /**
   * A side x side grey zone plate, 0.5 + 0.4 cos(pi k r^2) about the centre with k = 1 / side:
   * its local frequency k r cycles per pixel grows linearly from 0 at the centre to the Nyquist
   * frequency (0.5) on the inscribed circle.
   */
  public static FloatImage zonePlate(int side) {
    FloatImage img = FloatImage.blank(side, side);
    double k = 1.0 / side;
    for (int v = 0; v < side; v++) {
      for (int u = 0; u < side; u++) {
        double dx = u + 0.5 - side / 2.0;
        double dy = v + 0.5 - side / 2.0;
        float val = (float) (0.5 + 0.4 * Math.cos(Math.PI * k * (dx * dx + dy * dy)));
        for (int c = 0; c < 3; c++) {
          img.set(c, u, v, val);
        }
      }
    }
    return img;
  }

  /**
   * The aliasing of a zone plate of the given side downscaled to level8 (isotropic): the variance
   * of the level's pixels whose source position has a local frequency above the output's Nyquist
   * (radius above s side / 2), a filter's reach (3 / s source pixels) away from that radius and from
   * the inscribed circle, relative to the plate's own variance, in dB. An ideal downscale leaves
   * those pixels flat (minus infinity); every bit of variance there is folded energy.
   */
  public static double zonePlateAliasingDb(FloatImage level8, int side) {
    double s = (double) level8.width() / side;
    double radius = side / 2.0;
    double reach = 3 / s;
    double from = s * radius + reach;
    double to = radius - reach;
    double sum = 0;
    double sq = 0;
    long n = 0;
    for (int v = 0; v < level8.height(); v++) {
      for (int u = 0; u < level8.width(); u++) {
        double dx = (u + 0.5) / s - radius;
        double dy = (v + 0.5) / s - radius;
        double r = Math.sqrt(dx * dx + dy * dy);
        if (r >= from && r <= to) {
          double y = luma(level8, u, v);
          sum += y;
          sq += y * y;
          n++;
        }
      }
    }
    if (n == 0) {
      throw new IllegalArgumentException("no pixel of the level lies above its Nyquist frequency");
    }
    double variance = sq / n - (sum / n) * (sum / n);
    // the plate's luma swing: 0.4 of the 219 levels BT.601 luma spans, a cosine's variance amplitude^2 / 2
    double plate = Math.pow(0.4 * 219, 2) / 2;
    return 10 * Math.log10(Math.max(variance, 1e-12) / plate);
  }

  static double luma(FloatImage a8, int u, int v) {
    return 16 + (65.481 * a8.get(0, u, v) + 128.553 * a8.get(1, u, v) + 24.966 * a8.get(2, u, v)) / 255.0;
  }

  private static void check(FloatImage a, FloatImage b) {
    if (a.width() != b.width() || a.height() != b.height()) {
      throw new IllegalArgumentException(a.width() + "x" + a.height() + " vs " + b.width() + "x" + b.height());
    }
  }
}
