package dev.p2g.job;

import static org.apache.spark.sql.functions.col;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToLongFunction;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.rdd.PartitionPruningRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructType;
import scala.Function1;

/**
 * Splits a stage's work into chunks, each written and committed by its own Spark job: a run
 * killed in the middle loses at most the chunk in flight, since every committed chunk is kept
 * and skipped by the next run. The work is hash-partitioned by key once, into whole chunks of
 * partitions; chunk i is partitions [i * perChunk, (i + 1) * perChunk) of that one shuffle, so
 * every chunk's job reads its own shuffle blocks and the driver never holds a list of images.
 */
final class Chunks {
  /**
   * Tasks per chunk by default, per task slot of the application: four waves, so the idle tail of
   * a chunk stays a small share of it.
   */
  static final int WAVES = 4;

  private final SparkSession spark;
  private final JavaRDD<Row> partitioned;
  private final StructType schema;
  private final int partitionsPerChunk;
  private final int count;

  private Chunks(SparkSession spark, JavaRDD<Row> partitioned, StructType schema, int partitionsPerChunk,
      int count) {
    this.spark = spark;
    this.partitioned = partitioned;
    this.schema = schema;
    this.partitionsPerChunk = partitionsPerChunk;
    this.count = count;
  }

  /**
   * work: rows with a "key" column, items of them; imagesPerChunk: the chunk size;
   * partitionsOption: partitions per chunk when given (> 0), else enough for imagesPerTask each and
   * at least two per task slot.
   */
  static Chunks of(SparkSession spark, Dataset<Row> work, long items, long imagesPerChunk, int partitionsOption,
      int imagesPerTask) {
    if (items == 0) {
      return new Chunks(spark, null, work.schema(), 1, 0);
    }
    int chunks = (int) Math.max(1, (items + imagesPerChunk - 1) / imagesPerChunk);
    long perChunk = (items + chunks - 1) / chunks;
    int partitions = partitionsOption > 0 ? (int) Math.min(partitionsOption, perChunk)
        : EncodeStage.partitions(spark, perChunk, imagesPerTask);
    JavaRDD<Row> rdd = byContainer(work, chunks * partitions).javaRDD();
    return new Chunks(spark, rdd, work.schema(), partitions, chunks);
  }

  /**
   * Work in partitions by key, except that the images of one container (a shard, a table file)
   * go to one partition, in position order: a task then reads each container once, forward.
   */
  static Dataset<Row> byContainer(Dataset<Row> work, int partitions) {
    if (!java.util.Arrays.asList(work.columns()).contains("container")) { // work that is not images
      return work.repartition(partitions, col("key"));
    }
    return work.repartition(partitions, functions.coalesce(col("container"), col("key")))
        .sortWithinPartitions(col("container"), col("position"));
  }

  int count() {
    return count;
  }

  /** Chunk i as a Dataset: its partitions of the shuffle only. */
  Dataset<Row> chunk(int i) {
    int first = i * partitionsPerChunk;
    int end = first + partitionsPerChunk;
    Function1<Object, Object> mine = (Function1<Object, Object> & Serializable) index -> {
      int p = (Integer) index;
      return p >= first && p < end;
    };
    return spark.createDataFrame(PartitionPruningRDD.create(partitioned.rdd(), mine).toJavaRDD(), schema);
  }

  /** Consecutive groups of at least target weight each (the last may be lighter); an item is never split. */
  static <T> List<List<T>> consecutive(List<T> items, ToLongFunction<T> weight, long target) {
    List<List<T>> groups = new ArrayList<>();
    List<T> current = new ArrayList<>();
    long sum = 0;
    for (T item : items) {
      current.add(item);
      sum += weight.applyAsLong(item);
      if (sum >= target) {
        groups.add(current);
        current = new ArrayList<>();
        sum = 0;
      }
    }
    if (!current.isEmpty()) {
      groups.add(current);
    }
    return groups;
  }

  /** The chunk size: commitEvery when given (> 0), else WAVES waves of tasks over the task slots. */
  static long imagesPerChunk(long commitEvery, int taskSlots, int imagesPerTask) {
    return commitEvery > 0 ? commitEvery : (long) WAVES * Math.max(1, taskSlots) * imagesPerTask;
  }
}
