package dev.p2g.field;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Exact codec: the 8 planes as little-endian float32, in FieldContract plane order. */
public final class F32Codec implements FieldCodec {
  public static final String NAME = "f32";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public byte[] encode(GaussianField field) {
    float[] params = field.params();
    ByteBuffer buffer = ByteBuffer.allocate(Math.multiplyExact(params.length, Float.BYTES))
        .order(ByteOrder.LITTLE_ENDIAN);
    buffer.asFloatBuffer().put(params);
    return buffer.array();
  }

  @Override
  public GaussianField decode(byte[] bytes, int width, int height, int k) {
    long expected = (long) FieldContract.PARAMS * k * k * width * height * Float.BYTES;
    if (bytes.length != expected) {
      throw new IllegalArgumentException("f32 params of a " + width + "x" + height + " field with k="
          + k + " take " + expected + " bytes, got " + bytes.length);
    }
    float[] params = new float[bytes.length / Float.BYTES];
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(params);
    return new GaussianField(width, height, k, params);
  }
}
