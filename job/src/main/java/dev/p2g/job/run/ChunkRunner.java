package dev.p2g.job.run;

import dev.p2g.job.common.SystemicException;
import dev.p2g.job.tables.LatestRows;
import dev.p2g.spark.StageAccumulators;
import dev.p2g.spark.TaskOnceSum;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * Runs a stage's chunks, the same way for encode, render and tiled render: each chunk is one Spark
 * job (named for the Spark UI) that maps its rows on the image stages' devices and appends them to
 * the stage's table, committed before the next starts; then the chunk's failures go to errors/,
 * the devices its tasks used join the stage's set (the driver forgets both), and the stage's own
 * step after a commit runs (a shard sweep, a tally of large images). A killed run keeps every
 * chunk it finished.
 */
final class ChunkRunner {
  /** What a stage does once a chunk has committed. */
  interface AfterCommit {
    void run() throws SystemicException;
  }

  private final StageContext run;
  private final StageAccumulators counters;
  private final LatestRows.Table table;
  private final AfterCommit after;
  private final Set<String> devices = new TreeSet<>();
  private int chunks;
  /** Tells this stage's chunks from another's. */
  private final String id = java.util.UUID.randomUUID().toString();

  ChunkRunner(StageContext run, StageAccumulators counters, LatestRows.Table table, AfterCommit after) {
    this.run = run;
    this.counters = counters;
    this.table = table;
    this.after = after;
  }

  /**
   * One chunk: fn over its rows (in a stage with the run's GPU profile when onGpus), appended by
   * append, which is the Spark action.
   */
  void run(String description, Dataset<Row> rows, MapPartitionsFunction<Row, Row> fn, StructType schema,
      boolean onGpus, Consumer<Dataset<Row>> append) throws SystemicException {
    run.spark().sparkContext().setJobDescription(description);
    // the tasks' counts are kept per chunk and partition, so that a stage run again counts once
    run.spark().sparkContext().setLocalProperty(TaskOnceSum.CHUNK, id + " chunk " + chunks);
    if (chunks == 0) { // from now on the table may hold superseded rows, until compacted
      LatestRows.appending(table, run.hadoop());
    }
    append.accept(onGpus ? GpuStages.mapPartitions(run.spark(), rows, fn, schema, run.gpus())
        : rows.mapPartitions(fn, Encoders.row(schema)));
    run.errors().append(counters.errors().value());
    counters.errors().reset();
    counters.devices().value().forEach(d -> devices.add(d.toString())); // one a task: per chunk, deduplicated
    counters.devices().reset();
    after.run();
    chunks++;
  }

  /** The stage's chunks are done: the Spark UI's description is the stage's again. */
  void finish() {
    run.spark().sparkContext().setJobDescription(null);
    run.spark().sparkContext().setLocalProperty(TaskOnceSum.CHUNK, null);
  }

  int chunks() {
    return chunks;
  }

  List<String> devices() {
    return List.copyOf(devices);
  }
}
