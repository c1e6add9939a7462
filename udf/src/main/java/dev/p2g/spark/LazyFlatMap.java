package dev.p2g.spark;

import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.Function;

/**
 * Maps a partition one input at a time, so a task never holds more than one image's outputs;
 * with an iterator per input (streaming), not even that: a tiled image's rows are made one by
 * one as the writer takes them.
 */
final class LazyFlatMap<I, O> implements Iterator<O> {
  private final Iterator<I> input;
  private final Function<I, Iterator<O>> fn;
  private Iterator<O> current = java.util.Collections.emptyIterator();

  LazyFlatMap(Iterator<I> input, Function<I, List<O>> fn) {
    this(fn.andThen(List::iterator), input);
  }

  private LazyFlatMap(Function<I, Iterator<O>> fn, Iterator<I> input) {
    this.input = input;
    this.fn = fn;
  }

  static <I, O> LazyFlatMap<I, O> streaming(Iterator<I> input, Function<I, Iterator<O>> fn) {
    return new LazyFlatMap<>(fn, input);
  }

  @Override
  public boolean hasNext() {
    while (!current.hasNext() && input.hasNext()) {
      current = fn.apply(input.next());
    }
    return current.hasNext();
  }

  @Override
  public O next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    return current.next();
  }
}
