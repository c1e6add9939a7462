package dev.p2g.job.tables;

import static org.apache.spark.sql.functions.col;

import dev.p2g.job.common.SystemicException;
import dev.p2g.sources.ListFiles;
import dev.p2g.field.TileGrid;
import dev.p2g.tables.FieldTable;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF3;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;

/**
 * The driver's side of fields/ (its rows are FieldTable's): how it is written, kept at one
 * generation per image, checked and queried. Stages call these; nothing here knows a stage.
 */
public final class Fields {
  /**
   * fields/ rows can be tiles of 8-34 MB. Parquet checks its buffers only every 100 values by
   * default (gigabytes of tiles) and keeps untruncated min/max statistics of binary values (two
   * copies of a tile per page and per row group): check after every row, no statistics and no
   * dictionary on the parameter planes. Page and row-group checks share the row-check keys.
   * zstd, not Spark's default Snappy.
   */
  static final Map<String, String> WRITER_OPTIONS = Map.of(
      "parquet.page.size.row.check.min", "1",
      "parquet.page.size.row.check.max", "8",
      "parquet.block.size", Integer.toString(64 << 20),
      "parquet.column.statistics.enabled#params", "false",
      "parquet.statistics.truncate.length", "64",
      "parquet.enable.dictionary#params", "false",
      // q8's difference planes are made for it: 14.9 bytes per LR pixel against 24.1 with Snappy
      "compression", "zstd");

  /** Rows that hold a whole image; the others are tiles of a larger one. */
  public static final Column WHOLE = col("tile_width").equalTo(col("width"))
      .and(col("tile_height").equalTo(col("height")));

  /** TileGrid.count as a Spark function: the tile count is worked out in one place. */
  private static final UserDefinedFunction TILES = functions.udf(
      (UDF3<Integer, Integer, Integer, Integer>) TileGrid::count, DataTypes.IntegerType);

  private Fields() {}

  /** The table as LatestRows keeps it: one generation per key, the latest by encoded_at. */
  public static LatestRows.Table upkeep(String uri) {
    return new LatestRows.Table(uri, FieldTable.SCHEMA, List.of("key"), FieldTable.ENCODED_AT, List.of());
  }

  /** The table's rows, or those of some of its files. */
  public static Dataset<Row> read(SparkSession spark, String... uris) {
    return spark.read().schema(FieldTable.SCHEMA).parquet(uris);
  }

  /** Appends a chunk's rows (the Spark action that runs the chunk's tasks). */
  public static void append(Dataset<Row> rows, String uri) {
    // the row encoder drops column metadata; the footer must carry the field version
    rows.withMetadata("params", FieldTable.PARAMS_META)
        .write().mode(SaveMode.Append).options(WRITER_OPTIONS).parquet(uri);
  }

  /**
   * One row per image (key, source_sha256, stored, expected) whose stored tile count is the count
   * its size and tile size give (tiles are T x T but at the right and bottom edges, and the first
   * tile is full along every tiled axis, so T is the largest tile side).
   */
  public static Dataset<Row> completeImages(Dataset<Row> fields) {
    return tileCounts(fields).filter(col("stored").equalTo(col("expected")));
  }

  public static Dataset<Row> tileCounts(Dataset<Row> fields) {
    Column side = functions.greatest(functions.max("tile_width"), functions.max("tile_height"));
    return fields.groupBy("key", "source_sha256")
        .agg(functions.count(functions.lit(1)).as("stored"),
            TILES.apply(functions.max("width"), functions.max("height"), side).as("expected"),
            functions.max("source_uri").as("source_uri"),
            functions.max(FieldTable.SOURCE_SIZE).as(FieldTable.SOURCE_SIZE),
            functions.max(FieldTable.SOURCE_MODIFIED).as(FieldTable.SOURCE_MODIFIED),
            functions.max(FieldTable.SOURCE_ETAG).as(FieldTable.SOURCE_ETAG));
  }

  /** Up to three distinct values of a column, for the report of a render without a model of its own. */
  public static String distinct(SparkSession spark, String uri, String column) {
    return String.join(", ", read(spark, uri).select(column).distinct().limit(3).collectAsList().stream()
        .map(r -> r.<String>getAs(column)).sorted().toList());
  }

  /**
   * fields/ is there and is a fields table, told from the footer of one of its files on the driver
   * (a Spark read would infer the schema with a job). Nullable columns came later: tables written
   * before them still render, so only the others must be there.
   */
  public static void check(String fieldsUri, Configuration hadoop) throws SystemicException {
    Path root = new Path(fieldsUri);
    try {
      Path first = firstFile(root.getFileSystem(hadoop), root);
      if (first == null) {
        throw new SystemicException("cannot read fields from " + fieldsUri + ": it holds no Parquet files");
      }
      List<String> columns;
      try (ParquetFileReader footer = ParquetFileReader.open(HadoopInputFile.fromPath(first, hadoop))) {
        columns = footer.getFooter().getFileMetaData().getSchema().getFields().stream()
            .map(org.apache.parquet.schema.Type::getName).toList();
      }
      for (StructField column : FieldTable.SCHEMA.fields()) {
        if (!column.nullable() && !columns.contains(column.name())) {
          throw new SystemicException(fieldsUri + " is not a fields table: it has no column '" + column.name() + "'");
        }
      }
    } catch (FileNotFoundException e) {
      throw new SystemicException("cannot read fields from " + fieldsUri + ": no such folder", e);
    } catch (IOException | RuntimeException e) {
      throw new SystemicException("cannot read fields from " + fieldsUri + ": " + firstLine(e), e);
    }
  }

  private static Path firstFile(FileSystem fs, Path root) throws IOException {
    for (var it = fs.listStatusIterator(root); it.hasNext(); ) {
      FileStatus f = it.next();
      if (f.isFile() && f.getPath().getName().endsWith(".parquet") && !ListFiles.hidden(f.getPath())) {
        return f.getPath();
      }
    }
    return null;
  }

  private static String firstLine(Exception e) {
    String m = String.valueOf(e.getMessage());
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }
}
