package dev.p2g.tables;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The manifest/ schema: one row per rendered image, the record of what is complete. Files are
 * partitioned by level (manifest/level=x2/), so a level's rows can be read alone.
 */
public final class ManifestTable {
  public static final String LEVEL = "level";
  /**
   * When the run that wrote a row started. The table is append-only: when an image is rendered
   * again at a level (its field or the format changed), the row with the latest time counts.
   */
  public static final String RENDERED_AT = "rendered_at";
  /** The tar member of the image in the shard at path (webdataset layout); null otherwise. */
  public static final String MEMBER = "member";
  /** The row of the image in the Parquet file at path, from 0 in file order (parquet layout); null otherwise. */
  public static final String ROW_INDEX = "row_index";

  public static final StructType SCHEMA = new StructType(new StructField[] {
      DataTypes.createStructField("key", DataTypes.StringType, false),
      DataTypes.createStructField("scale", DataTypes.StringType, false),
      DataTypes.createStructField("scale_x", DataTypes.DoubleType, false),
      DataTypes.createStructField("scale_y", DataTypes.DoubleType, false),
      DataTypes.createStructField("path", DataTypes.StringType, false),
      DataTypes.createStructField("width", DataTypes.IntegerType, false),
      DataTypes.createStructField("height", DataTypes.IntegerType, false),
      DataTypes.createStructField("format", DataTypes.StringType, false),
      DataTypes.createStructField("bytes", DataTypes.LongType, false),
      DataTypes.createStructField("render_ms", DataTypes.DoubleType, false),
      DataTypes.createStructField("device", DataTypes.StringType, false),
      DataTypes.createStructField("source_sha256", DataTypes.StringType, false),
      DataTypes.createStructField("model_id", DataTypes.StringType, false),
      DataTypes.createStructField(RENDERED_AT, DataTypes.TimestampType, false),
      DataTypes.createStructField(LEVEL, DataTypes.StringType, false),
      // added with the sharded layouts: nullable and last, so tables written before them still read
      DataTypes.createStructField(MEMBER, DataTypes.StringType, true),
      DataTypes.createStructField(ROW_INDEX, DataTypes.LongType, true),
      // what the image carries from its source table (--keep-columns); null otherwise
      DataTypes.createStructField(FieldTable.ATTRIBUTES, FieldTable.ATTRIBUTES_TYPE, true),
  });

  private ManifestTable() {}
}
