package dev.p2g.job.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.p2g.job.SparkTestSession;
import dev.p2g.job.common.TaskSizing;
import java.util.HashSet;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.Test;

/** Chunks of a Dataset: every row in exactly one chunk, chunks of about the size asked for, no driver list. */
class ChunksTest {
  @Test
  void everyRowLandsInExactlyOneChunkOfAboutTheAskedSize() {
    SparkSession spark = SparkTestSession.get();
    int rows = 1000;
    Dataset<Row> work = spark.range(rows).select(functions.concat(functions.lit("img-"), functions.col("id"))
        .as("key"));
    Chunks chunks = Chunks.of(spark, work, rows, 128, 0, TaskSizing.IMAGES_PER_PARTITION);
    assertEquals(8, chunks.count(), "ceil(1000 / 128)");
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < chunks.count(); i++) {
      Dataset<Row> chunk = chunks.chunk(i);
      long size = 0;
      for (Row r : chunk.collectAsList()) {
        assertTrue(seen.add(r.getString(0)), "in two chunks: " + r);
        size++;
      }
      // hash partitioning: about 125 each (a binomial spread of about 11)
      assertTrue(size > 60 && size < 190, "chunk " + i + " holds " + size);
      assertTrue(chunk.rdd().getNumPartitions() >= 2, "a chunk still runs as several tasks");
    }
    assertEquals(rows, seen.size());
    assertEquals(0, Chunks.of(spark, work.limit(0), 0, 128, 0, TaskSizing.IMAGES_PER_PARTITION).count());
  }

  /** Small images go more to a task (fewer, larger fields/ files), large ones 64 each as before. */
  @Test
  void smallImagesGoMoreToATask() {
    assertEquals(TaskSizing.MAX_IMAGES_PER_PARTITION, EncodeStage.imagesPerTask(100_000, 100_000L * 750),
        "16x16 PNGs of 750 bytes: the cap");
    assertEquals(167, EncodeStage.imagesPerTask(1000, 1000L * 100_000), "100 kB each: 16 MiB a task");
    assertEquals(TaskSizing.IMAGES_PER_PARTITION, EncodeStage.imagesPerTask(1000, 1000L * 2_000_000),
        "2 MB photos: 64, not fewer");
    assertEquals(TaskSizing.IMAGES_PER_PARTITION, EncodeStage.imagesPerTask(0, 0), "nothing listed");
    assertEquals(4L * 2 * 163, Chunks.imagesPerChunk(0, 2, 163), "four waves of tasks");
    assertEquals(10L, Chunks.imagesPerChunk(10, 2, 163), "--commit-every wins");
  }
}
