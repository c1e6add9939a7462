package dev.p2g.spark;

import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * An iterator that runs an action once, when it is found to hold nothing more: a task's outputs
 * are all taken, and what they name (shards) must be finished before Spark commits them. An
 * exception from the action fails the task, as it should.
 */
final class OnExhausted<T> implements Iterator<T> {
  private final Iterator<T> items;
  private final Runnable action;
  private boolean ran;

  OnExhausted(Iterator<T> items, Runnable action) {
    this.items = items;
    this.action = action;
  }

  @Override
  public boolean hasNext() {
    if (items.hasNext()) {
      return true;
    }
    if (!ran) {
      ran = true;
      action.run();
    }
    return false;
  }

  @Override
  public T next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    return items.next();
  }
}
