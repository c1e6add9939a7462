package dev.p2g.spark;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.TaskContext;
import org.apache.spark.util.AccumulatorV2;

/**
 * A sum to which every task adds once, however often Spark runs it. Spark merges a task's
 * accumulator updates each time an attempt succeeds; in a map stage that is run again (its shuffle
 * output lost with an executor) a plain LongAccumulator then counts the stage's work twice. Here
 * each task's share is kept by its place and a later successful attempt's share replaces an earlier
 * one's: the tasks do the same work each time, so any attempt's count is right. A place is the
 * chunk the driver named (the CHUNK job property) and the task's partition: the stage id would not
 * do, since with adaptive execution the stage run again is a stage of the next job, with an id of
 * its own. The driver holds one entry a task of the stage, never one an image.
 */
public final class TaskOnceSum extends AccumulatorV2<Long, Long> {
  private final Map<String, Long> byTask = new ConcurrentHashMap<>();

  /** The job property naming the chunk a Spark job runs (ChunkRunner sets it). */
  public static final String CHUNK = "p2g.chunk";

  /** Where a task's share is kept: its chunk (or, outside one, its stage) and partition; "driver" outside a task. */
  static String place() {
    TaskContext task = TaskContext.get();
    if (task == null) {
      return "driver";
    }
    String chunk = task.getLocalProperty(CHUNK);
    return (chunk == null ? "stage " + task.stageId() : chunk) + ":" + task.partitionId();
  }

  @Override
  public boolean isZero() {
    return byTask.isEmpty();
  }

  @Override
  public TaskOnceSum copy() {
    TaskOnceSum copy = new TaskOnceSum();
    copy.byTask.putAll(byTask);
    return copy;
  }

  @Override
  public void reset() {
    byTask.clear();
  }

  @Override
  public void add(Long v) {
    byTask.merge(place(), v, Long::sum);
  }

  public void add(long v) {
    add(Long.valueOf(v));
  }

  @Override
  public void merge(AccumulatorV2<Long, Long> other) {
    byTask.putAll(((TaskOnceSum) other).byTask); // the same task again: its latest attempt's share
  }

  @Override
  public Long value() {
    long sum = 0;
    for (long v : byTask.values()) {
      sum += v;
    }
    return sum;
  }
}
