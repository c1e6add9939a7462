package dev.p2g.job.run;

import static org.apache.spark.sql.functions.col;

import dev.p2g.job.common.TaskSizing;
import dev.p2g.spark.EncodePartition;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToLongFunction;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
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
public final class Chunks {
  private final SparkSession spark;
  private final JavaRDD<Row> partitioned;
  /** Work the driver holds already, by chunk and partition; null when it is a Dataset's. */
  private final List<List<List<Row>>> local;
  private final StructType schema;
  private final int partitionsPerChunk;
  private final int count;

  private Chunks(SparkSession spark, JavaRDD<Row> partitioned, List<List<List<Row>>> local, StructType schema,
      int partitionsPerChunk, int count) {
    this.spark = spark;
    this.partitioned = partitioned;
    this.local = local;
    this.schema = schema;
    this.partitionsPerChunk = partitionsPerChunk;
    this.count = count;
  }

  /**
   * work: rows with a "key" column, items of them; imagesPerChunk: the chunk size;
   * partitionsOption: partitions per chunk when given (> 0), else enough for imagesPerTask each and
   * at least two per task slot.
   */
  public static Chunks of(SparkSession spark, Dataset<Row> work, long items, long imagesPerChunk, int partitionsOption,
      int imagesPerTask) {
    if (items == 0) {
      return new Chunks(spark, null, null, work.schema(), 1, 0);
    }
    int chunks = (int) Math.max(1, (items + imagesPerChunk - 1) / imagesPerChunk);
    long perChunk = (items + chunks - 1) / chunks;
    int partitions = partitionsOption > 0 ? (int) Math.min(partitionsOption, perChunk)
        : EncodeStage.partitions(spark, perChunk, imagesPerTask);
    JavaRDD<Row> rdd = byContainer(work, chunks * partitions).javaRDD();
    return new Chunks(spark, rdd, null, work.schema(), partitions, chunks);
  }

  /**
   * The same split of work the driver holds (a small listing's): consecutive chunks of the rows
   * as given, each spread over its partitions by source bytes (the heaviest first, each to the
   * lightest partition so far), a container's images kept together in position order. No
   * shuffle: each chunk's job reads the rows the driver sends with its tasks.
   */
  static Chunks local(SparkSession spark, List<Row> work, StructType schema, long imagesPerChunk,
      int partitionsOption, int imagesPerTask) {
    if (work.isEmpty()) {
      return new Chunks(spark, null, null, schema, 1, 0);
    }
    int chunks = (int) Math.max(1, (work.size() + imagesPerChunk - 1) / imagesPerChunk);
    long perChunk = (work.size() + chunks - 1) / chunks;
    // a part of a large image is a task's worth of work: one a task, whatever the core count says
    long parts = work.stream().filter(r -> r.schema().getFieldIndex(EncodePartition.PART).isDefined()
        && !r.isNullAt(r.fieldIndex(EncodePartition.PART))).count();
    int partitions = partitionsOption > 0 ? (int) Math.min(partitionsOption, perChunk)
        : (int) Math.min(perChunk, Math.max(EncodeStage.partitions(spark, perChunk, imagesPerTask), parts));
    List<List<List<Row>>> split = new ArrayList<>();
    for (List<List<Row>> chunk : consecutive(unitsOf(work), Chunks::images, perChunk)) {
      List<List<Row>> pieces = new ArrayList<>(); // a container whole; an image's parts one by one
      for (List<Row> unit : chunk) {
        if (inContainer(unit.get(0))) {
          pieces.add(unit);
        } else {
          unit.forEach(r -> pieces.add(List.of(r)));
        }
      }
      split.add(spread(pieces, partitions));
    }
    return new Chunks(spark, null, split, schema, partitions, split.size());
  }

  /** Rows by unit of work: a container's images (in position order), or an image's rows (its parts). */
  private static List<List<Row>> unitsOf(List<Row> work) {
    java.util.Map<String, List<Row>> units = new java.util.LinkedHashMap<>();
    for (Row r : work) {
      units.computeIfAbsent(inContainer(r) ? "c:" + r.getAs("container") : "k:" + r.getAs("key"),
          g -> new ArrayList<>()).add(r);
    }
    units.values().forEach(g -> g.sort(java.util.Comparator.comparing(
        r -> inContainer(r) ? r.<Long>getAs("position") : Long.MIN_VALUE)));
    return new ArrayList<>(units.values());
  }

  private static boolean inContainer(Row r) {
    return r.schema().getFieldIndex("container").isDefined() && !r.isNullAt(r.fieldIndex("container"));
  }

  /** Images in a unit: a container's rows, or one for an image however many parts it has. */
  private static long images(List<Row> unit) {
    return inContainer(unit.get(0)) ? unit.size() : 1;
  }

  /** Groups over partitions, by weight: the longest-processing-time rule, so that no task waits on a heavy one. */
  private static List<List<Row>> spread(List<List<Row>> groups, int partitions) {
    List<List<Row>> out = new ArrayList<>();
    long[] load = new long[partitions];
    for (int i = 0; i < partitions; i++) {
      out.add(new ArrayList<>());
    }
    List<List<Row>> heaviest = new ArrayList<>(groups);
    heaviest.sort(java.util.Comparator.comparingLong(Chunks::weight).reversed());
    for (List<Row> g : heaviest) {
      int lightest = 0;
      for (int i = 1; i < partitions; i++) {
        if (load[i] < load[lightest]) {
          lightest = i;
        }
      }
      out.get(lightest).addAll(g);
      load[lightest] += weight(g);
    }
    out.removeIf(List::isEmpty);
    return out;
  }

  /**
   * A group's weight: its source bytes, at least one per row (a table row's size is not listed);
   * for a part of a large image, its share of them.
   */
  private static long weight(List<Row> group) {
    long w = 0;
    for (Row r : group) {
      int size = r.fieldIndex(dev.p2g.tables.FieldTable.SOURCE_SIZE);
      boolean part = r.schema().getFieldIndex("parts").isDefined() && !r.isNullAt(r.fieldIndex("parts"));
      w += Math.max(1, (r.isNullAt(size) ? 0 : r.getLong(size)) / (part ? r.<Integer>getAs("parts") : 1));
    }
    return w;
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

  public int count() {
    return count;
  }

  /** Chunk i as a Dataset: its partitions of the shuffle only, or the rows the driver holds for it. */
  public Dataset<Row> chunk(int i) {
    if (local != null) {
      List<List<Row>> partitions = local.get(i);
      JavaRDD<Row> rows = JavaSparkContext.fromSparkContext(spark.sparkContext())
          .parallelize(partitions, partitions.size()).flatMap(List::iterator);
      return spark.createDataFrame(rows, schema);
    }
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

  /** The chunk size: commitEvery when given (> 0), else TaskSizing.WAVES waves of tasks over the task slots. */
  public static long imagesPerChunk(long commitEvery, int taskSlots, int imagesPerTask) {
    return commitEvery > 0 ? commitEvery : (long) TaskSizing.WAVES * Math.max(1, taskSlots) * imagesPerTask;
  }
}
