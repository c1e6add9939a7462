package dev.p2g.spark;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.util.AccumulatorV2;

/**
 * A list to which every task adds its items once, however often Spark runs it (TaskOnceSum says
 * why): a task's items are kept by its place, and a later successful attempt's replace an earlier
 * one's. The list's order is by place, then as the task added them.
 */
public final class TaskOnceList<T> extends AccumulatorV2<T, List<T>> {
  private final Map<String, List<T>> byTask = new ConcurrentHashMap<>();

  @Override
  public boolean isZero() {
    return byTask.isEmpty();
  }

  @Override
  public TaskOnceList<T> copy() {
    TaskOnceList<T> copy = new TaskOnceList<>();
    byTask.forEach((place, items) -> copy.byTask.put(place, new ArrayList<>(items)));
    return copy;
  }

  @Override
  public void reset() {
    byTask.clear();
  }

  @Override
  public void add(T item) {
    byTask.computeIfAbsent(TaskOnceSum.place(), p -> new ArrayList<>()).add(item);
  }

  @Override
  public void merge(AccumulatorV2<T, List<T>> other) {
    byTask.putAll(((TaskOnceList<T>) other).byTask); // the same task again: its latest attempt's items
  }

  @Override
  public List<T> value() {
    List<T> all = new ArrayList<>();
    new TreeMap<>(byTask).values().forEach(all::addAll);
    return all;
  }
}
