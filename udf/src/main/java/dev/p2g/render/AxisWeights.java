package dev.p2g.render;

import java.util.Arrays;

/**
 * One axis of a separable resize from in to out samples: for output sample u, the input samples
 * [first(u), first(u) + count(u)) and their normalised weights. Output u is centred at
 * (u + 0.5) in / out input pixels and input i at i + 0.5; the kernel is stretched by
 * max(1, in / out), and the weights of the inputs that exist are normalised to sum to 1 (the
 * image edge takes no made-up pixels). This is the antialiased resize of Pillow and libvips, so a
 * LANCZOS3 level equals what users call "a Lanczos3 downscale" (ResampleTest checks it against
 * Pillow's own output).
 */
public final class AxisWeights {
  private final int in;
  private final int out;
  private final int[] first;
  private final int[] count;
  private final int stride;
  private final float[] weights;

  private AxisWeights(int in, int out, int[] first, int[] count, int stride, float[] weights) {
    this.in = in;
    this.out = out;
    this.first = first;
    this.count = count;
    this.stride = stride;
    this.weights = weights;
  }

  /** The weights of a library's resize from in to out; an axis that keeps its size is left as it is. */
  public static AxisWeights of(ResampleFilter filter, int in, int out) {
    return of(filter, in, out, 1);
  }

  /**
   * The same with the kernel of a reduction (out < in) stretched by a further factor (the
   * renderer's FieldContract.REDUCTION_STRETCH); upscales are not affected.
   */
  public static AxisWeights of(ResampleFilter filter, int in, int out, double reductionStretch) {
    if (in <= 0 || out <= 0) {
      throw new IllegalArgumentException("resize of " + in + " samples to " + out);
    }
    if (in == out) {
      return identity(in);
    }
    double scale = (double) in / out;
    double stretch = scale > 1 ? scale * reductionStretch : 1;
    double support = filter.support() * stretch;
    int stride = (int) Math.ceil(2 * support) + 2;
    int[] first = new int[out];
    int[] count = new int[out];
    float[] weights = new float[out * stride];
    double[] w = new double[stride];
    for (int u = 0; u < out; u++) {
      double centre = (u + 0.5) * scale;
      int lo = Math.max(0, (int) Math.floor(centre - support + 0.5));
      int hi = Math.min(in, (int) Math.floor(centre + support + 0.5));
      double sum = 0;
      for (int i = lo; i < hi; i++) {
        w[i - lo] = filter.weight((i + 0.5 - centre) / stretch);
        sum += w[i - lo];
      }
      first[u] = lo;
      count[u] = hi - lo;
      for (int i = lo; i < hi; i++) {
        weights[u * stride + i - lo] = (float) (sum == 0 ? 0 : w[i - lo] / sum);
      }
    }
    return new AxisWeights(in, out, first, count, stride, weights);
  }

  /**
   * This resize followed by next (next.in() == out()), as one set of weights from this one's
   * input to next's output: out(u) = sum_j next(u, j) sum_i this(j, i) in(i), computed in double.
   */
  public AxisWeights then(AxisWeights next) {
    if (next.in != out) {
      throw new IllegalArgumentException("a resize to " + out + " samples followed by one from " + next.in);
    }
    int[] first = new int[next.out];
    int[] count = new int[next.out];
    double[][] rows = new double[next.out][];
    int stride = 1;
    for (int u = 0; u < next.out; u++) {
      int lo = Integer.MAX_VALUE;
      int hi = 0;
      for (int t = 0; t < next.count[u]; t++) {
        int j = next.first[u] + t;
        lo = Math.min(lo, first(j));
        hi = Math.max(hi, first(j) + count(j));
      }
      double[] w = new double[hi - lo];
      for (int t = 0; t < next.count[u]; t++) {
        int j = next.first[u] + t;
        double a = next.weight(u, t);
        for (int i = 0; i < count(j); i++) {
          w[first(j) + i - lo] += a * weight(j, i);
        }
      }
      first[u] = lo;
      count[u] = hi - lo;
      rows[u] = w;
      stride = Math.max(stride, hi - lo);
    }
    float[] weights = new float[next.out * stride];
    for (int u = 0; u < next.out; u++) {
      for (int i = 0; i < count[u]; i++) {
        weights[u * stride + i] = (float) rows[u][i];
      }
    }
    return new AxisWeights(in, next.out, first, count, stride, weights);
  }

  /**
   * Outputs [from, to) alone, their inputs renumbered from firstInput(from, to): the same weights
   * in the same order, so a window resized with it gets the same floats as that part of the
   * whole axis.
   */
  public AxisWeights window(int from, int to) {
    if (from < 0 || to > out || from >= to) {
      throw new IllegalArgumentException("outputs [" + from + ", " + to + ") of an axis of " + out);
    }
    int lo = firstInput(from, to);
    int n = to - from;
    int[] f = new int[n];
    int[] c = Arrays.copyOfRange(count, from, to);
    for (int u = 0; u < n; u++) {
      f[u] = first[from + u] - lo;
    }
    float[] w = Arrays.copyOfRange(weights, from * stride, to * stride);
    return new AxisWeights(endInput(from, to) - lo, n, f, c, stride, w);
  }

  /** The first input any of outputs [from, to) takes. */
  public int firstInput(int from, int to) {
    int lo = Integer.MAX_VALUE;
    for (int u = from; u < to; u++) {
      lo = Math.min(lo, first[u]);
    }
    return lo;
  }

  /** One past the last input any of outputs [from, to) takes. */
  public int endInput(int from, int to) {
    int hi = 0;
    for (int u = from; u < to; u++) {
      hi = Math.max(hi, first[u] + count[u]);
    }
    return hi;
  }

  /** An axis that is not resized: each output sample is its input sample. */
  private static AxisWeights identity(int size) {
    int[] first = new int[size];
    int[] count = new int[size];
    float[] weights = new float[size];
    for (int u = 0; u < size; u++) {
      first[u] = u;
      count[u] = 1;
      weights[u] = 1;
    }
    return new AxisWeights(size, size, first, count, 1, weights);
  }

  public int in() {
    return in;
  }

  public int out() {
    return out;
  }

  public int first(int u) {
    return first[u];
  }

  public int count(int u) {
    return count[u];
  }

  /** The weight of input first(u) + t in output u. */
  public float weight(int u, int t) {
    return weights[u * stride + t];
  }

  /** The most inputs any output takes: how many rows a streaming vertical pass must hold. */
  public int maxCount() {
    int most = 1;
    for (int c : count) {
      most = Math.max(most, c);
    }
    return most;
  }

  boolean isIdentity() {
    return in == out && stride == 1;
  }
}
