package dev.p2g.spark;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.ToLongFunction;

/**
 * Groups an iterator's items into lists of at most maxItems whose weights sum to at most
 * maxWeight; an item heavier than maxWeight alone makes a batch of one. Lazy: a batch is read
 * from the input only when asked for.
 */
final class Batches<T> implements Iterator<List<T>> {
  private final Iterator<T> input;
  private final int maxItems;
  private final long maxWeight;
  private final ToLongFunction<T> weight;
  private T carried;

  Batches(Iterator<T> input, int maxItems, long maxWeight, ToLongFunction<T> weight) {
    if (maxItems < 1) {
      throw new IllegalArgumentException("maxItems " + maxItems);
    }
    this.input = input;
    this.maxItems = maxItems;
    this.maxWeight = maxWeight;
    this.weight = weight;
  }

  @Override
  public boolean hasNext() {
    return carried != null || input.hasNext();
  }

  @Override
  public List<T> next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    List<T> batch = new ArrayList<>();
    long total = 0;
    while (batch.size() < maxItems && (carried != null || input.hasNext())) {
      T item = carried != null ? carried : input.next();
      carried = null;
      long w = weight.applyAsLong(item);
      if (!batch.isEmpty() && total + w > maxWeight) {
        carried = item;
        break;
      }
      batch.add(item);
      total += w;
    }
    return batch;
  }
}
