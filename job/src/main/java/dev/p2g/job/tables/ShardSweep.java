package dev.p2g.job.tables;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.regexp_extract;

import dev.p2g.io.HadoopFiles;
import dev.p2g.job.common.SystemicException;
import dev.p2g.pyramid.PyramidLayout;
import dev.p2g.pyramid.ShardSink;
import dev.p2g.spark.RenderSettings;
import dev.p2g.tables.ManifestTable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Keeps the shards of the sharded layouts exactly-once: in every level folder present, removes
 * the unfinished shards (_tmp/: a killed task's or run's) and, in the level folders that hold
 * shards, the finished shards that no manifest row names (a failed or retried task attempt's, or
 * one whose every image was rendered again later). Run while no render task runs: at the start,
 * after every committed chunk and at the end. The driver lists the pyramid's level folders, and
 * lists one level's files only when it holds shards (a thousand images a shard by default): a
 * level of this render in a sharded layout, or one marked by MARKER, which a sharded render leaves
 * and the sweep removes once the level holds no shard any more (its images rendered again in the
 * files layout). A level in the files layout holds a file per image and is never listed here.
 * Which shards are named is an anti-join in Spark against the manifest, never a list of images on
 * the driver.
 */
public final class ShardSweep {
  /** In a level folder: the level holds (or held) shards, so a sweep lists it. */
  public static final String MARKER = "_shards";
  private static final StructType SHARDS = new StructType()
      .add(ManifestTable.LEVEL, DataTypes.StringType, false)
      .add("name", DataTypes.StringType, false)
      .add("path", DataTypes.StringType, false);

  private final SparkSession spark;
  private final RenderSettings settings;
  private final Configuration hadoop;
  private boolean marked;

  public ShardSweep(SparkSession spark, RenderSettings settings, Configuration hadoop) {
    this.spark = spark;
    this.settings = settings;
    this.hadoop = hadoop;
  }

  /** The shards removed (unfinished ones not counted). */
  public long run() throws SystemicException {
    Path pyramid = new Path(settings.layout().pyramid());
    Set<String> rendering = new HashSet<>();
    if (settings.pyramid().sharded()) {
      settings.scales().forEach(s -> rendering.add(s.level()));
    }
    List<Row> shards = new ArrayList<>();
    Set<String> swept = new HashSet<>();
    try {
      FileSystem fs = pyramid.getFileSystem(hadoop);
      if (!marked) { // before this render's first shard, so that a run killed now is swept later
        for (String level : rendering) {
          Path marker = new Path(new Path(pyramid, level), MARKER);
          if (!fs.exists(marker)) {
            HadoopFiles.create(marker, hadoop).close();
          }
        }
        marked = true;
      }
      if (!fs.exists(pyramid)) {
        return 0;
      }
      for (FileStatus folder : fs.listStatus(pyramid)) {
        String level = folder.getPath().getName();
        if (!folder.isDirectory() || level.startsWith("_") || level.startsWith(".")) {
          continue;
        }
        fs.delete(new Path(folder.getPath(), ShardSink.TEMP_DIR), true);
        Path marker = new Path(folder.getPath(), MARKER);
        if (!rendering.contains(level) && !fs.exists(marker)) {
          continue;
        }
        int before = shards.size();
        for (FileStatus s : fs.listStatus(folder.getPath())) {
          String name = s.getPath().getName();
          if (s.isFile() && isShard(name)) {
            shards.add(RowFactory.create(level, name, s.getPath().toString()));
          }
        }
        if (shards.size() > before) {
          swept.add(level);
        } else if (!rendering.contains(level)) {
          fs.delete(marker, false); // no shard left: a files-layout level from now on
        }
      }
      if (shards.isEmpty()) {
        return 0;
      }
      List<Row> orphans = unnamed(spark.createDataFrame(shards, SHARDS), swept).collectAsList();
      for (Row o : orphans) {
        Path p = new Path(o.<String>getAs("path"));
        p.getFileSystem(hadoop).delete(p, false);
      }
      return orphans.size();
    } catch (IOException e) {
      throw new SystemicException("cannot remove unfinished or unrecorded shards under "
          + settings.layout().pyramid() + ": " + e.getMessage(), e);
    }
  }

  /** A shard of either sharded layout; never an image of the files layout (.png, .jpg). */
  private static boolean isShard(String name) {
    return !name.startsWith("_") && !name.startsWith(".") && java.util.Arrays.stream(PyramidLayout.values())
        .anyMatch(l -> l.sharded() && name.endsWith("." + l.shardExtension()));
  }

  /** The shards no manifest row names, matched by level and file name (paths may differ in scheme form). */
  private Dataset<Row> unnamed(Dataset<Row> shards, Set<String> levels) throws IOException {
    Path manifest = new Path(settings.layout().manifest());
    if (!manifest.getFileSystem(hadoop).exists(manifest)) {
      return shards;
    }
    Dataset<Row> named = spark.read().schema(ManifestTable.SCHEMA).parquet(settings.layout().manifest())
        .filter(col(ManifestTable.LEVEL).isin(levels.toArray()))
        .select(col(ManifestTable.LEVEL), regexp_extract(col("path"), "[^/]+$", 0).as("name"))
        .distinct();
    return shards.join(named, new String[] {ManifestTable.LEVEL, "name"}, "left_anti");
  }
}
