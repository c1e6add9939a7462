package dev.p2g.job.run;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.input_file_name;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import dev.p2g.job.tables.DriverTable;
import dev.p2g.job.tables.Fields;
import dev.p2g.job.tables.TableRewrite;
import dev.p2g.spark.RenderSettings;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;

/**
 * What render has to do: the fields/ files with whole images left to render, and counts over all
 * of fields/; replaces: whether some whole image left to render may have a manifest row at one
 * of its levels to render already (another format, source or model), which its new row supersedes;
 * tiledWork: whether images stored as tiles may need rendering (TiledRender's own plan decides);
 * tiledDone: when they do not, how many there are (every level of theirs done).
 */
public record RenderPlan(List<FieldsFile> files, long wholeFields, long tileRows, boolean replaces,
    boolean tiledWork, long tiledDone) {

  /** A fields/ file to render: its rows, and whether some of them have some levels done already. */
  public record FieldsFile(String uri, long rows, boolean partlyDone) {}

  /** Whole images left to render. */
  long toRender() {
    return files.stream().mapToLong(FieldsFile::rows).sum();
  }

  /**
   * The fields/ files with whole images left to render, in order, and whether some of their fields
   * have some levels done already; with the table's whole images and tile rows counted in the
   * same pass. One row per file on the driver (a file holds a task's worth of fields), never one
   * per field. Whether a new row will supersede one is not asked of a table this size (another
   * join over the manifest): the compaction after the chunks, which finds out, runs.
   */
  public static RenderPlan of(Dataset<Row> fields, Dataset<Row> doneLevels, RenderSettings settings) {
    Dataset<Row> index = fields.select(col("key"), col("source_sha256"), col("model_id"), Fields.WHOLE.as("whole"),
        input_file_name().as("file"));
    int levels = settings.scales().size();
    Dataset<Row> perField = doneLevels == null
        ? index.withColumn("done", lit(null).cast(DataTypes.createArrayType(DataTypes.StringType)))
        : index.join(doneLevels, EncodePlan.using("key", "source_sha256", "model_id"), "left");
    Column whole = col("whole");
    List<FieldsFile> files = new ArrayList<>();
    long wholeFields = 0;
    long tileRows = 0;
    for (Row r : perField.groupBy("file")
        .agg(sum(when(whole, 1L).otherwise(0L)).as("rows"),
            sum(when(whole.and(size(col("done")).geq(levels)), 1L).otherwise(0L)).as("complete"),
            sum(when(whole.and(col("done").isNotNull()), 1L).otherwise(0L)).as("touched"),
            sum(when(whole, 0L).otherwise(1L)).as("tiles"))
        .orderBy("file")
        .collectAsList()) {
      long rows = r.getAs("rows");
      wholeFields += rows;
      tileRows += r.<Long>getAs("tiles");
      if (r.<Long>getAs("complete") < rows) {
        files.add(new FieldsFile(TableRewrite.hadoopPath(r.getAs("file")), rows, r.<Long>getAs("touched") > 0));
      }
    }
    return new RenderPlan(files, wholeFields, tileRows, doneLevels != null, tileRows > 0, 0);
  }

  /** The plan made on the driver (DriverRenderPlan) when fields/ and manifest/ are small, else empty. */
  static Optional<RenderPlan> onDriver(SparkSession spark, String fieldsUri, String manifestUri,
      RenderSettings settings, Configuration hadoop) {
    long maxRows = DriverTable.maxRows(spark);
    try {
      Optional<List<Row>> fields = DriverTable.read(fieldsUri, DriverRenderPlan.FIELD_COLUMNS, maxRows, hadoop);
      Optional<List<Row>> manifest = fields.isEmpty() ? Optional.empty()
          : DriverTable.read(manifestUri, DriverRenderPlan.MANIFEST_COLUMNS, maxRows, hadoop);
      return manifest.map(m -> DriverRenderPlan.plan(fields.get(), m, settings));
    } catch (IOException e) {
      return Optional.empty(); // Spark reads them, and says what is wrong if they cannot be read
    }
  }

  /**
   * A chunk's fields with the levels already done for each (null: none). Only fields of files
   * partly done can have any; their done rows are at most a chunk's worth, so they are broadcast
   * and the fields, parameters and all, are not shuffled.
   */
  static Dataset<Row> withDoneLevels(Dataset<Row> chunkFields, List<FieldsFile> chunk, Dataset<Row> doneLevels) {
    if (doneLevels == null || chunk.stream().noneMatch(FieldsFile::partlyDone)) {
      return chunkFields.withColumn("done", lit(null).cast(DataTypes.createArrayType(DataTypes.StringType)));
    }
    Dataset<Row> mine = doneLevels.join(chunkFields.select("key", "source_sha256", "model_id"),
        EncodePlan.using("key", "source_sha256", "model_id"), "left_semi");
    return chunkFields.join(functions.broadcast(mine), EncodePlan.using("key", "source_sha256", "model_id"),
        "left");
  }
}
