package dev.p2g.field;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The 8 planes as IEEE 754 half floats (little-endian), rounded to nearest even: half the bytes
 * of f32 for an 11-bit significand, a relative error of at most 2^-11 per parameter.
 */
public final class F16Codec implements FieldCodec {
  public static final String NAME = "f16";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public byte[] encode(GaussianField field) {
    float[] params = field.params();
    ByteBuffer buffer = ByteBuffer.allocate(Math.multiplyExact(params.length, 2)).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : params) {
      buffer.putShort(toHalf(v));
    }
    return buffer.array();
  }

  @Override
  public GaussianField decode(byte[] bytes, int width, int height, int k) {
    long expected = (long) FieldContract.PARAMS * k * k * width * height * 2;
    if (bytes.length != expected) {
      throw new IllegalArgumentException("f16 params of a " + width + "x" + height + " field with k=" + k
          + " take " + expected + " bytes, got " + bytes.length);
    }
    float[] params = new float[bytes.length / 2];
    ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < params.length; i++) {
      params[i] = fromHalf(buffer.getShort());
    }
    return new GaussianField(width, height, k, params);
  }

  /** float to binary16, round to nearest even; overflow to infinity, NaN kept. */
  static short toHalf(float f) {
    int bits = Float.floatToRawIntBits(f);
    int sign = (bits >>> 16) & 0x8000;
    int exp = (bits >>> 23) & 0xff;
    int mant = bits & 0x7fffff;
    if (exp == 0xff) {
      return (short) (sign | 0x7c00 | (mant != 0 ? 0x200 : 0));
    }
    int e = exp - 127 + 15;
    if (e >= 0x1f) {
      return (short) (sign | 0x7c00);
    }
    if (e <= 0) { // a subnormal half, or zero
      if (e < -10) {
        return (short) sign;
      }
      mant |= 0x800000;
      int shift = 14 - e;
      int half = mant >> shift;
      int rest = mant & ((1 << shift) - 1);
      int halfway = 1 << (shift - 1);
      if (rest > halfway || (rest == halfway && (half & 1) != 0)) {
        half++;
      }
      return (short) (sign | half);
    }
    int half = (e << 10) | (mant >> 13);
    int rest = mant & 0x1fff;
    if (rest > 0x1000 || (rest == 0x1000 && (half & 1) != 0)) {
      half++; // a carry into the exponent is the right rounding, up to infinity
    }
    return (short) (sign | half);
  }

  static float fromHalf(short h) {
    int sign = (h & 0x8000) << 16;
    int e = (h >>> 10) & 0x1f;
    int m = h & 0x3ff;
    if (e == 0) {
      float v = m * 0x1p-24f;
      return sign != 0 ? -v : v;
    }
    if (e == 0x1f) {
      return Float.intBitsToFloat(sign | 0x7f800000 | (m << 13));
    }
    return Float.intBitsToFloat(sign | ((e - 15 + 127) << 23) | (m << 13));
  }
}
