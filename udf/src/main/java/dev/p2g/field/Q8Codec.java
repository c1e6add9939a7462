package dev.p2g.field;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Each plane quantised to 8 bits over its own range in this row: a header of 8 (min, step)
 * float pairs, then the 8 planes as byte planes (one byte per Gaussian per plane), which Parquet's
 * compression then finds in runs. A value's error is at most step / 2 = (max - min) / 510.
 */
public final class Q8Codec implements FieldCodec {
  public static final String NAME = "q8";
  private static final int LEVELS = 255;
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
      step[plane] = hi > lo ? (hi - lo) / LEVELS : 0f;
      out.putFloat(min[plane]).putFloat(step[plane]);
    }
    for (int plane = 0; plane < FieldContract.PARAMS; plane++) {
      for (int i = plane * n; i < (plane + 1) * n; i++) {
        int q = step[plane] == 0 ? 0 : Math.round((p[i] - min[plane]) / step[plane]);
        out.put((byte) Math.max(0, Math.min(LEVELS, q)));
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
    for (int plane = 0; plane < FieldContract.PARAMS; plane++) {
      for (int i = plane * n; i < (plane + 1) * n; i++) {
        params[i] = min[plane] + (in.get() & 0xff) * step[plane];
      }
    }
    return new GaussianField(width, height, k, params);
  }
}
