package dev.p2g.job.tables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.p2g.job.SparkTestSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Why Leftovers exists: a task that committed in a job killed before its own commit stays under
 * _temporary/, and the next job's commit into the same folder merges it, doubling its rows.
 * The test stages such a task, then appends: without the clean-up the table gains the stale rows.
 */
class LeftoversTest {
  private static final StructType SCHEMA = new StructType().add("key", DataTypes.StringType, false);

  @TempDir
  Path tmp;

  @ParameterizedTest(name = "cleared first: {0}")
  @ValueSource(booleans = {true, false})
  void aKilledJobsCommittedTaskIsNotMergedIntoTheNextJob(boolean clearFirst) throws Exception {
    SparkSession spark = SparkTestSession.get();
    Path table = tmp.resolve("t");
    spark.createDataFrame(List.<Row>of(RowFactory.create("a")), SCHEMA).coalesce(1).write()
        .mode(SaveMode.Append).parquet(table.toString());
    // what a killed job leaves: a committed task (FileOutputCommitter v1) under the job attempt folder
    Path staleTask = Files.createDirectories(table.resolve("_temporary/0/task_202611230000_0001_m_000000"));
    spark.createDataFrame(List.<Row>of(RowFactory.create("stale")), SCHEMA).coalesce(1).write()
        .parquet(tmp.resolve("stale").toString());
    try (Stream<Path> files = Files.list(tmp.resolve("stale"))) {
      for (Path f : files.filter(f -> f.getFileName().toString().startsWith("part-")).toList()) {
        Files.copy(f, staleTask.resolve(f.getFileName()));
      }
    }
    if (clearFirst) {
      assertTrue(Leftovers.clear(table.toUri().toString(), new Configuration()));
    }
    spark.createDataFrame(List.<Row>of(RowFactory.create("b")), SCHEMA).coalesce(1).write()
        .mode(SaveMode.Append).parquet(table.toString());
    List<String> keys = spark.read().schema(SCHEMA).parquet(table.toString()).collectAsList().stream()
        .map(r -> r.getString(0)).sorted().toList();
    assertEquals(clearFirst ? List.of("a", "b") : List.of("a", "b", "stale"), keys);
  }
}
