package dev.p2g.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;

class BatchesTest {
  private static List<List<Integer>> all(Iterator<List<Integer>> it) {
    List<List<Integer>> out = new ArrayList<>();
    it.forEachRemaining(out::add);
    return out;
  }

  @Test
  void cutsByCount() {
    assertEquals(List.of(List.of(1, 2, 3), List.of(4, 5, 6), List.of(7)),
        all(new Batches<>(List.of(1, 2, 3, 4, 5, 6, 7).iterator(), 3, Long.MAX_VALUE, x -> 1)));
  }

  @Test
  void cutsByWeightAndKeepsEveryItemInOrder() {
    // Weights are the values; at most 10 per batch; 12 alone exceeds it and goes alone.
    assertEquals(List.of(List.of(4, 5), List.of(6, 3), List.of(12), List.of(1, 1)),
        all(new Batches<>(List.of(4, 5, 6, 3, 12, 1, 1).iterator(), 100, 10, x -> x)));
  }

  @Test
  void oneAtATimeIsTheOldBehaviour() {
    assertEquals(List.of(List.of(1), List.of(2)), all(new Batches<>(List.of(1, 2).iterator(), 1, 10, x -> 1)));
  }

  @Test
  void emptyInputHasNoBatch() {
    Batches<Integer> b = new Batches<>(List.<Integer>of().iterator(), 4, 10, x -> 1);
    assertFalse(b.hasNext());
    assertThrows(NoSuchElementException.class, b::next);
    assertThrows(IllegalArgumentException.class, () -> new Batches<>(List.of(1).iterator(), 0, 10, x -> 1));
  }
}
