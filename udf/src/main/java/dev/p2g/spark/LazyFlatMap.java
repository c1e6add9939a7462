package dev.p2g.spark;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.Function;

/** Maps a partition one input at a time, so a task never holds more than one image's outputs. */
final class LazyFlatMap<I, O> implements Iterator<O> {
  private final Iterator<I> input;
  private final Function<I, List<O>> fn;
  private final ArrayDeque<O> pending = new ArrayDeque<>();

  LazyFlatMap(Iterator<I> input, Function<I, List<O>> fn) {
    this.input = input;
    this.fn = fn;
  }

  @Override
  public boolean hasNext() {
    while (pending.isEmpty() && input.hasNext()) {
      pending.addAll(fn.apply(input.next()));
    }
    return !pending.isEmpty();
  }

  @Override
  public O next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    return pending.poll();
  }
}
