package dev.p2g.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ScaleTest {
  @Test
  void canonicalNames() {
    assertEquals("x2", Scale.parse("2").level());
    assertEquals("x2", Scale.parse("2.0").level());
    assertEquals("x2.5", Scale.parse("2.50").level());
    assertEquals("x0.5", Scale.parse(".5").level());
    assertEquals("x2x3", Scale.parse("2x3").level());
    assertEquals("x3", Scale.parse("3x3").level());
    assertEquals("x3.7", Scale.parse("x3.7").level());
  }

  @Test
  void outputSizeRoundsHalfUpAndNeverVanishes() {
    assertEquals(3, Scale.outputSize(5, 0.5)); // 2.5 rounds up
    assertEquals(2, Scale.outputSize(5, 0.49));
    assertEquals(1, Scale.outputSize(3, 0.01));
    assertEquals(37, Scale.outputSize(10, 3.7));
    Scale s = Scale.parse("2x3");
    assertEquals(20, s.outputWidth(10));
    assertEquals(21, s.outputHeight(7));
  }

  @Test
  void refusesNonPositive() {
    assertThrows(IllegalArgumentException.class, () -> Scale.parse("0"));
    assertThrows(IllegalArgumentException.class, () -> Scale.parse("-2"));
    assertThrows(IllegalArgumentException.class, () -> Scale.parse("two"));
    assertThrows(IllegalArgumentException.class, () -> Scale.parse("2x"));
    assertThrows(IllegalArgumentException.class, () -> Scale.parse("NaN"));
  }
}
