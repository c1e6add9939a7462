package dev.p2g.render;

import dev.p2g.field.FloatImage;
import dev.p2g.field.GaussianField;

/**
 * The judge: the field equation of docs/design.md in float64, written from the text alone, by
 * brute force (every Gaussian at every sample, every LR pixel in every reduction weight, no
 * culling, no windows). Independent of CpuRenderer's scatter, its bounding boxes, its weight
 * tables and its float32 accumulation. Small fields only.
 */
public final class ReferenceRenderer {
  private static final double TAU = 1.0 / 255.0;
  /** The reduction kernel is Lanczos3 stretched by 1.05 beyond the ratio n / m. */
  private static final double STRETCH = 1.05;

  private ReferenceRenderer() {}

  /**
   * Unclamped sums of the field equation at the samples of a w x h grid over the LR image
   * (sample (u, v) at ((u + 0.5) W / w, (v + 0.5) H / h)), [channel][v][u].
   */
  public static double[][][] sums(GaussianField f, int w, int h) {
    double sx = (double) w / f.width();
    double sy = (double) h / f.height();
    double[][][] out = new double[3][h][w];
    int k = f.k();
    int gw = k * f.width();
    int n = f.count();
    for (int g = 0; g < n; g++) {
      int a = g % gw;
      int b = g / gw;
      double mx = (a + 0.5) / k + f.get(0, g);
      double my = (b + 0.5) / k + f.get(1, g);
      double l11 = f.get(2, g);
      double l21 = f.get(3, g);
      double l22 = f.get(4, g);
      if (Math.abs(l11 * l22) < 1e-12) {
        continue; // zero-area Gaussian: contributes nothing (FieldContract.MIN_CHOLESKY_DET)
      }
      // Sigma = L L^T with L = [[l11, 0], [l21, l22]]
      double s00 = l11 * l11;
      double s01 = l11 * l21;
      double s11 = l21 * l21 + l22 * l22;
      double det = s00 * s11 - s01 * s01;
      for (int v = 0; v < h; v++) {
        for (int u = 0; u < w; u++) {
          double dx = (u + 0.5) / sx - mx;
          double dy = (v + 0.5) / sy - my;
          // d^T Sigma^-1 d with Sigma^-1 = [[s11, -s01], [-s01, s00]] / det
          double q = (s11 * dx * dx - 2 * s01 * dx * dy + s00 * dy * dy) / det;
          double weight = Math.max(0, Math.exp(-0.5 * q) - TAU) / (1 - TAU);
          for (int ch = 0; ch < 3; ch++) {
            out[ch][v][u] += f.get(5 + ch, g) * weight;
          }
        }
      }
    }
    return out;
  }

  /**
   * The level at scale (scaleX, scaleY): W' = max(1, floor(W s + 1/2)) per axis; an axis with
   * W' > W is sampled at its output pixels. Of a field without a degradation, an axis with
   * W' <= W is sampled at its LR pixel centres, and where W' < W the clamped samples are reduced
   * by Lanczos3 (stretched by 1.05). Of a field with one (training's bicubic at scales [a, b]),
   * such an axis is sampled at d W points, d = max(2, ceil(a)), and the clamped samples are
   * reduced to W by the antialiased bicubic, then to W' by the same Lanczos3. Clamped again.
   */
  public static double[][][] render(GaussianField f, double scaleX, double scaleY) {
    int outW = (int) Math.max(1, Math.floor(f.width() * scaleX + 0.5));
    int outH = (int) Math.max(1, Math.floor(f.height() * scaleY + 0.5));
    int d = f.degradation() == null ? 1 : (int) Math.max(2, Math.ceil(f.degradation().minScale()));
    int w = outW > f.width() ? outW : d * f.width();
    int h = outH > f.height() ? outH : d * f.height();
    double[][][] samples = clamp(sums(f, w, h));
    if (w == outW && h == outH) {
      return samples;
    }
    double[][] across = axis(w, f.width(), outW, d);
    double[][] down = axis(h, f.height(), outH, d);
    double[][][] out = new double[3][outH][outW];
    for (int c = 0; c < 3; c++) {
      for (int v = 0; v < outH; v++) {
        for (int u = 0; u < outW; u++) {
          double sum = 0;
          for (int j = 0; j < h; j++) {
            for (int i = 0; i < w; i++) {
              sum += down[v][j] * across[u][i] * samples[c][j][i];
            }
          }
          out[c][v][u] = sum;
        }
      }
    }
    return clamp(out);
  }

  /** Weights [u][i] of an axis from n samples to m outputs over lr LR pixels (see render). */
  private static double[][] axis(int n, int lr, int m, int d) {
    if (n == m || d == 1) {
      return lanczos3(n, m);
    }
    double[][] second = lanczos3(lr, m);
    double[][] first = bicubic(n, lr);
    double[][] wts = new double[m][n];
    for (int u = 0; u < m; u++) {
      for (int j = 0; j < lr; j++) {
        for (int i = 0; i < n; i++) {
          wts[u][i] += second[u][j] * first[j][i];
        }
      }
    }
    return wts;
  }

  /**
   * Weights [u][i] of Pillow's antialiased bicubic from n samples to m < n: output u centred at
   * c = (u + 0.5) n / m takes input i with weight K((i + 0.5 - c) m / n), K Keys' cubic with
   * a = -0.5, over the inputs with |i + 0.5 - c| < 2 n / m, normalised to sum 1.
   */
  public static double[][] bicubic(int n, int m) {
    double[][] wts = new double[m][n];
    double r = (double) n / m;
    for (int u = 0; u < m; u++) {
      double c = (u + 0.5) * r;
      double total = 0;
      for (int i = 0; i < n; i++) {
        double x = Math.abs((i + 0.5 - c) / r);
        wts[u][i] = x < 1 ? 1.5 * x * x * x - 2.5 * x * x + 1 : x < 2 ? -0.5 * x * x * x + 2.5 * x * x - 4 * x + 2 : 0;
        total += wts[u][i];
      }
      for (int i = 0; i < n; i++) {
        wts[u][i] /= total;
      }
    }
    return wts;
  }

  /**
   * Weights [u][i] of an axis of n samples resized to m: identity when m = n; when m < n, output
   * u centred at c = (u + 0.5) n / m takes input i (centre i + 0.5) with weight
   * L3((i + 0.5 - c) m / (1.05 n)), L3(t) = sinc(t) sinc(t / 3) for |t| < 3, else 0, normalised
   * to sum 1.
   */
  public static double[][] lanczos3(int n, int m) {
    double[][] wts = new double[m][n];
    for (int u = 0; u < m; u++) {
      if (m == n) {
        wts[u][u] = 1;
        continue;
      }
      double c = (u + 0.5) * n / m;
      double total = 0;
      for (int i = 0; i < n; i++) {
        double t = (i + 0.5 - c) * m / (STRETCH * n);
        wts[u][i] = Math.abs(t) < 3 ? sinc(t) * sinc(t / 3) : 0;
        total += wts[u][i];
      }
      for (int i = 0; i < n; i++) {
        wts[u][i] /= total;
      }
    }
    return wts;
  }

  private static double sinc(double t) {
    return t == 0 ? 1 : Math.sin(Math.PI * t) / (Math.PI * t);
  }

  /**
   * The largest difference, in 8-bit levels, between a PNG and the reference's image of field at
   * scale, quantised; a PNG of another size fails.
   */
  public static int worstLevels(byte[] png, GaussianField field, Scale scale) throws java.io.IOException {
    java.awt.image.BufferedImage got = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(png));
    double[][][] want = render(field, scale.x(), scale.y());
    if (got.getWidth() != want[0][0].length || got.getHeight() != want[0].length) {
      throw new AssertionError("the PNG is " + got.getWidth() + "x" + got.getHeight() + ", the reference "
          + want[0][0].length + "x" + want[0].length);
    }
    return worstLevels(got, want);
  }

  /** The largest difference, in 8-bit levels, between an 8-bit image and the reference quantised. */
  public static int worstLevels(java.awt.image.BufferedImage got, double[][][] want) {
    int worst = 0;
    for (int v = 0; v < got.getHeight(); v++) {
      for (int u = 0; u < got.getWidth(); u++) {
        int rgb = got.getRGB(u, v);
        int[] levels = {(rgb >> 16) & 0xff, (rgb >> 8) & 0xff, rgb & 0xff};
        for (int c = 0; c < 3; c++) {
          worst = Math.max(worst, Math.abs(levels[c] - ImageEncoding.quantize((float) want[c][v][u])));
        }
      }
    }
    return worst;
  }

  /** Largest |got - want| over every value (NaN when got holds one). */
  public static double maxAbsDiff(FloatImage got, double[][][] want) {
    double max = 0;
    for (int c = 0; c < 3; c++) {
      for (int v = 0; v < got.height(); v++) {
        for (int u = 0; u < got.width(); u++) {
          double d = Math.abs(got.get(c, u, v) - want[c][v][u]);
          max = Double.isNaN(d) ? Double.NaN : Math.max(max, d);
        }
      }
    }
    return max;
  }

  /** How many values lie inside (0.02, 0.98): a comparison of two clamped images says little. */
  public static int unclamped(double[][][] img) {
    int n = 0;
    for (double[][] plane : img) {
      for (double[] row : plane) {
        for (double x : row) {
          n += x > 0.02 && x < 0.98 ? 1 : 0;
        }
      }
    }
    return n;
  }

  public static double[][][] clamp(double[][][] img) {
    for (double[][] plane : img) {
      for (double[] row : plane) {
        for (int i = 0; i < row.length; i++) {
          row[i] = Math.min(1, Math.max(0, row[i]));
        }
      }
    }
    return img;
  }
}
