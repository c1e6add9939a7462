package dev.p2g.field;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.p2g.render.RandomFields;
import org.junit.jupiter.api.Test;

class F32CodecTest {
  @Test
  void roundTripsBitExactly() {
    GaussianField f = RandomFields.random(7, 3, 2, 5);
    f.set(FieldContract.R, 4, Float.MIN_VALUE);
    f.set(FieldContract.G, 5, -0f);
    byte[] bytes = new F32Codec().encode(f);
    assertEquals(32 * f.count(), bytes.length, "32 bytes per Gaussian");
    GaussianField back = new F32Codec().decode(bytes, 7, 3, 2);
    assertArrayEquals(f.params(), back.params());
  }

  @Test
  void littleEndianPlanarLayout() {
    GaussianField f = GaussianField.zeros(2, 1, 1);
    f.set(FieldContract.L11, 1, 1.0f); // plane 2, gaussian 1 -> float index 5 -> byte 20
    byte[] bytes = new F32Codec().encode(f);
    // 1.0f = 0x3f800000, little-endian
    assertEquals(0x00, bytes[20]);
    assertEquals(0x00, bytes[21]);
    assertEquals((byte) 0x80, bytes[22]);
    assertEquals(0x3f, bytes[23]);
  }

  @Test
  void refusesWrongLength() {
    assertThrows(IllegalArgumentException.class, () -> new F32Codec().decode(new byte[12], 2, 2, 1));
  }
}
