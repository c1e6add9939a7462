package dev.p2g.render.cuda;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.p2g.field.GaussianField;
import dev.p2g.render.RandomFields;
import dev.p2g.render.Scale;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A GPU batch too large for one buffer is refused before any allocation, with what to do. */
class BatchLayoutLimitsTest {
  private static final GaussianField FIELD = RandomFields.random(512, 512, 1, 7);

  @Test
  void anOutputOver2GiBIsRefused() {
    // x30 of 512 LR pixels: 15360^2 pixels of float RGB, 2.8 GB.
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new BatchLayout(List.of(FIELD), Scale.of(30)).requireBufferable());
    assertTrue(e.getMessage().contains("15360x15360") && e.getMessage().contains("--device cpu"), e.getMessage());
  }

  @Test
  void theLargestOutputsThatFitPass() {
    // x26: 13312^2 pixels, 2.1e9 bytes, just under 2^31.
    assertDoesNotThrow(() -> new BatchLayout(List.of(FIELD), Scale.of(26)).requireBufferable());
  }
}
