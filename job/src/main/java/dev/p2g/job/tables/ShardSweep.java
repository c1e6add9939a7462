package dev.p2g.job.tables;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.regexp_extract;

import dev.p2g.job.common.SystemicException;
import dev.p2g.pyramid.ShardSink;
import dev.p2g.render.Scale;
import dev.p2g.spark.RenderSettings;
import dev.p2g.tables.ManifestTable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
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
 * Keeps the shards of the sharded layouts exactly-once: in each level folder of this render,
 * removes the unfinished shards (_tmp/: a killed task's or run's) and the finished shards that
 * no manifest row names (a failed or retried task attempt's, or one whose every image was
 * rendered again later). Run while no render task runs: at the start, after every committed
 * chunk and at the end. The driver lists level folders, which hold shards, not images (a
 * thousand images a shard by default); which shards are named is an anti-join in Spark against
 * the manifest, never a list of images on the driver. Levels outside this render are left
 * alone: their folders may hold the files layout's one file per image.
 */
public final class ShardSweep {
  private static final StructType SHARDS = new StructType()
      .add(ManifestTable.LEVEL, DataTypes.StringType, false)
      .add("name", DataTypes.StringType, false)
      .add("path", DataTypes.StringType, false);

  private final SparkSession spark;
  private final RenderSettings settings;
  private final Configuration hadoop;

  public ShardSweep(SparkSession spark, RenderSettings settings, Configuration hadoop) {
    this.spark = spark;
    this.settings = settings;
    this.hadoop = hadoop;
  }

  /** The shards removed (unfinished ones not counted); nothing to do in the files layout. */
  public long run() throws SystemicException {
    if (!settings.pyramid().sharded()) {
      return 0;
    }
    String suffix = "." + settings.pyramid().shardExtension();
    List<Row> shards = new ArrayList<>();
    try {
      for (Scale scale : settings.scales()) {
        Path level = new Path(settings.layout().pyramid() + "/" + scale.level());
        FileSystem fs = level.getFileSystem(hadoop);
        Path temp = new Path(level, ShardSink.TEMP_DIR);
        if (fs.exists(temp)) {
          fs.delete(temp, true);
        }
        if (!fs.exists(level)) {
          continue;
        }
        for (FileStatus s : fs.listStatus(level)) {
          String name = s.getPath().getName();
          if (s.isFile() && name.endsWith(suffix) && !name.startsWith("_") && !name.startsWith(".")) {
            shards.add(RowFactory.create(scale.level(), name, s.getPath().toString()));
          }
        }
      }
      if (shards.isEmpty()) {
        return 0;
      }
      List<Row> orphans = unnamed(spark.createDataFrame(shards, SHARDS)).collectAsList();
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

  /** The shards no manifest row names, matched by level and file name (paths may differ in scheme form). */
  private Dataset<Row> unnamed(Dataset<Row> shards) throws IOException {
    Path manifest = new Path(settings.layout().manifest());
    if (!manifest.getFileSystem(hadoop).exists(manifest)) {
      return shards;
    }
    Dataset<Row> named = spark.read().schema(ManifestTable.SCHEMA).parquet(settings.layout().manifest())
        .filter(col(ManifestTable.LEVEL).isin(settings.scales().stream().map(Scale::level).toArray()))
        .select(col(ManifestTable.LEVEL), regexp_extract(col("path"), "[^/]+$", 0).as("name"))
        .distinct();
    return shards.join(named, new String[] {ManifestTable.LEVEL, "name"}, "left_anti");
  }
}
