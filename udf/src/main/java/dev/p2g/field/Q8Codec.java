package dev.p2g.field;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Each plane quantised over its own range in this row, colours to 256 levels and the geometry
 * (offsets, Cholesky factors) to 128: a header of 8 (min, step) float pairs, then the 8 planes as
 * byte planes, one byte per Gaussian, each the difference (mod 256) from the Gaussian to its left
 * in the anchor grid. A value is off by at most half a step: (max - min) / 254 for the geometry,
 * / 510 for colours. The differences cluster near 0, which is what makes zstd pay (fields/ is
 * written with it): 14.9 bytes per LR pixel with the default model (docs/benchmarks.md).
 */
public final class Q8Codec implements FieldCodec {
  public static final String NAME = "q8";
  private static final int LEVELS = 255;
  /**
   * Levels per plane. Colours use all 256; the geometry (offsets and Cholesky factors) only 128:
   * measured by CodecBenchmark, 7-bit geometry costs nothing visible (0.0124 dB at worst against
   * 0.0119 with 8 bits) and saves 2 bytes per LR pixel after zstd, while 7-bit colours cost
   * 0.14 dB at worst.
   */
  private static final int[] PLANE_LEVELS = {127, 127, 127, 127, 127, LEVELS, LEVELS, LEVELS};
  private static final int HEADER = FieldContract.PARAMS * 2 * Float.BYTES;

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public byte[] encode(GaussianField field) {
    int n = field.count();
    float[] p = field.params();
    ByteBuffer out = ByteBuffer.allocate(HEADER + FieldContract.PARAMS * n).order(ByteOrder.LITTLE_ENDIAN);
    float[] min = new float[FieldContract.PARAMS];
    float[] step = new float[FieldContract.PARAMS];
    for (int plane = 0; plane < FieldContract.PARAMS; plane++) {
      float lo = Float.POSITIVE_INFINITY;
      float hi = Float.NEGATIVE_INFINITY;
      for (int i = plane * n; i < (plane + 1) * n; i++) {
        lo = Math.min(lo, p[i]);
        hi = Math.max(hi, p[i]);
      }
      min[plane] = lo;
      step[plane] = hi > lo ? (hi - lo) / PLANE_LEVELS[plane] : 0f;
      out.putFloat(min[plane]).putFloat(step[plane]);
    }
    int gridW = field.gridWidth();
    int[] q = new int[n];
    for (int plane = 0; plane < FieldContract.PARAMS; plane++) {
      for (int j = 0; j < n; j++) {
        q[j] = step[plane] == 0 ? 0
            : Math.max(0, Math.min(LEVELS, Math.round((p[plane * n + j] - min[plane]) / step[plane])));
      }
      // each byte is the difference from the Gaussian to its left: neighbours are alike, so the
      // bytes cluster near 0 and Parquet's compression finds them (the same sub-position of the
      // pixel to the left, k Gaussians back, was measured: 18.5 against 16.9 bytes after zstd)
      for (int j = 0; j < n; j++) {
        out.put((byte) (q[j] - (j % gridW >= 1 ? q[j - 1] : 0)));
      }
    }
    return out.array();
  }

  @Override
  public GaussianField decode(byte[] bytes, int width, int height, int k) {
    int n = k * k * width * height;
    long expected = HEADER + (long) FieldContract.PARAMS * n;
    if (bytes.length != expected) {
      throw new IllegalArgumentException("q8 params of a " + width + "x" + height + " field with k=" + k
          + " take " + expected + " bytes, got " + bytes.length);
    }
    ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    float[] min = new float[FieldContract.PARAMS];
    float[] step = new float[FieldContract.PARAMS];
    for (int plane = 0; plane < FieldContract.PARAMS; plane++) {
      min[plane] = in.getFloat();
      step[plane] = in.getFloat();
    }
    float[] params = new float[FieldContract.PARAMS * n];
    int gridW = k * width;
    int[] q = new int[n];
    for (int plane = 0; plane < FieldContract.PARAMS; plane++) {
      for (int j = 0; j < n; j++) {
        q[j] = ((j % gridW >= 1 ? q[j - 1] : 0) + in.get()) & 0xff;
        params[plane * n + j] = min[plane] + q[j] * step[plane];
      }
    }
    return new GaussianField(width, height, k, params);
  }
}
