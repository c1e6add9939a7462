package dev.p2g.job.report;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import dev.p2g.job.tables.DriverTable;
import dev.p2g.tables.ManifestTable;
import java.io.IOException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * One level of the pyramid as its manifest has it: images, bytes, devices, and how many of the
 * images the run started at a given time wrote. Read once per run, by one aggregate, for the
 * summary line and the report alike.
 */
public record LevelCounts(long images, long bytes, List<String> devices, long writtenThisRun) {
  static final LevelCounts NONE = new LevelCounts(0, 0, List.of(), 0);

  /** What counting reads of manifest/, on the driver (DriverTable). */
  static final StructType COLUMNS = DriverTable.columns(ManifestTable.SCHEMA, "bytes", "device",
      ManifestTable.RENDERED_AT, ManifestTable.LEVEL);

  /**
   * Per level, in the order given (a level without rows: zeros): counted on the driver from a
   * small manifest, else by one aggregate query (the same counts).
   */
  public static Map<String, LevelCounts> of(SparkSession spark, String manifestUri, List<String> levels,
      Timestamp runStarted, Configuration hadoop) throws IOException {
    Map<String, LevelCounts> found = new HashMap<>();
    Path manifest = new Path(manifestUri);
    java.util.Optional<List<Row>> small = DriverTable.read(manifestUri, COLUMNS, DriverTable.maxRows(spark), hadoop);
    if (small.isPresent()) {
      Map<String, long[]> counts = new HashMap<>(); // images, bytes, this run
      Map<String, java.util.Set<String>> devices = new HashMap<>();
      for (Row r : small.get()) {
        String level = r.getAs(ManifestTable.LEVEL);
        if (levels.contains(level)) {
          long[] c = counts.computeIfAbsent(level, l -> new long[3]);
          c[0]++;
          c[1] += r.<Long>getAs("bytes");
          c[2] += runStarted.equals(r.getAs(ManifestTable.RENDERED_AT)) ? 1 : 0;
          devices.computeIfAbsent(level, l -> new java.util.TreeSet<>()).add(r.getAs("device"));
        }
      }
      counts.forEach((level, c) -> found.put(level, new LevelCounts(c[0], c[1],
          new ArrayList<>(devices.get(level)), c[2])));
    } else if (manifest.getFileSystem(hadoop).exists(manifest)) { // not when nothing could be rendered
      for (Row r : spark.read().schema(ManifestTable.SCHEMA).parquet(manifestUri)
          .filter(col(ManifestTable.LEVEL).isin(levels.toArray()))
          .groupBy(ManifestTable.LEVEL)
          .agg(count(lit(1)).as("images"), sum("bytes").as("bytes"), collect_set("device").as("devices"),
              sum(when(col(ManifestTable.RENDERED_AT).equalTo(lit(runStarted)), 1L).otherwise(0L)).as("this_run"))
          .collectAsList()) {
        found.put(r.getAs(ManifestTable.LEVEL), new LevelCounts(r.getAs("images"),
            r.isNullAt(r.fieldIndex("bytes")) ? 0 : r.<Long>getAs("bytes"),
            new ArrayList<>(r.<String>getList(r.fieldIndex("devices"))), r.getAs("this_run")));
      }
    }
    Map<String, LevelCounts> out = new LinkedHashMap<>();
    levels.forEach(l -> out.put(l, found.getOrDefault(l, NONE)));
    return out;
  }
}
