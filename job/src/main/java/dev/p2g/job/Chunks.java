package dev.p2g.job;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * Splits a stage's work into chunks, each written and committed by its own Spark job: a run killed
 * in the middle loses at most the chunk in flight, since every committed chunk is kept and skipped
 * by the next run.
 */
final class Chunks {
  /**
   * Images per chunk by default, per task slot of the application: four waves of
   * EncodeStage.IMAGES_PER_PARTITION, so the idle tail of a chunk stays a small share of it.
   */
  static final int WAVES = 4;

  private Chunks() {}

  /** Consecutive chunks of at least target weight each (the last may be lighter); an item is never split. */
  static <T> List<List<T>> of(List<T> items, ToLongFunction<T> weight, long target) {
    List<List<T>> chunks = new ArrayList<>();
    List<T> current = new ArrayList<>();
    long sum = 0;
    for (T item : items) {
      current.add(item);
      sum += weight.applyAsLong(item);
      if (sum >= target) {
        chunks.add(current);
        current = new ArrayList<>();
        sum = 0;
      }
    }
    if (!current.isEmpty()) {
      chunks.add(current);
    }
    return chunks;
  }

  /** The default chunk size: commitEvery when given (> 0), else WAVES waves of partitions over the task slots. */
  static long imagesPerChunk(long commitEvery, int taskSlots) {
    return commitEvery > 0 ? commitEvery : (long) WAVES * Math.max(1, taskSlots) * EncodeStage.IMAGES_PER_PARTITION;
  }
}
