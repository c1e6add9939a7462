package dev.p2g.tables;

import dev.p2g.field.FieldContract;
import dev.p2g.field.FieldRecord;
import dev.p2g.io.Device;
import dev.p2g.io.SourceStat;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.MetadataBuilder;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The fields/ Parquet schema, declared once. The params column's metadata (field version and
 * plane layout) is stored by Spark in each file's footer, in the row-schema key-value
 * (org.apache.spark.sql.parquet.row.metadata), so a file explains itself without this code.
 */
public final class FieldTable {
  public static final String VERSION_KEY = "p2g.field.version";
  public static final String LAYOUT_KEY = "p2g.field.layout";
  public static final String LAYOUT = "8 planes (dx, dy, l11, l21, l22, r, g, b), each row-major over the "
      + "k*tile_width x k*tile_height anchor grid; values per the codec column";

  /**
   * When the run that wrote a row started. The table is append-only: when an image is encoded
   * again (its source or the model changed), the row with the latest time is the image's field.
   */
  public static final String ENCODED_AT = "encoded_at";

  /** Source size in bytes, modification time in ms since the epoch, ETag (where the store has one). */
  public static final String SOURCE_SIZE = "source_size";
  public static final String SOURCE_MODIFIED = "source_modified";
  public static final String SOURCE_ETAG = "source_etag";
  public static final String ENCODE_DEVICE = "encode_device";
  public static final String DEGRADATION = "degradation";
  /** Values an image carries from its source table (--keep-columns), by column name. */
  public static final String ATTRIBUTES = "attributes";
  public static final MapType ATTRIBUTES_TYPE = DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType,
      false);

  public static final Metadata PARAMS_META = new MetadataBuilder()
      .putLong(VERSION_KEY, FieldContract.VERSION)
      .putString(LAYOUT_KEY, LAYOUT)
      .build();

  public static final StructType SCHEMA = new StructType(new StructField[] {
      DataTypes.createStructField("key", DataTypes.StringType, false),
      DataTypes.createStructField("source_uri", DataTypes.StringType, false),
      DataTypes.createStructField("source_sha256", DataTypes.StringType, false),
      // what the listing said of the source when it was encoded (null in rows written before they
      // existed): a re-run whose listing says the same skips the image without reading it
      DataTypes.createStructField(SOURCE_SIZE, DataTypes.LongType, true),
      DataTypes.createStructField(SOURCE_MODIFIED, DataTypes.LongType, true),
      DataTypes.createStructField(SOURCE_ETAG, DataTypes.StringType, true),
      DataTypes.createStructField("model_id", DataTypes.StringType, false),
      DataTypes.createStructField("field_version", DataTypes.IntegerType, false),
      DataTypes.createStructField("width", DataTypes.IntegerType, false),
      DataTypes.createStructField("height", DataTypes.IntegerType, false),
      DataTypes.createStructField("tile_x", DataTypes.IntegerType, false),
      DataTypes.createStructField("tile_y", DataTypes.IntegerType, false),
      DataTypes.createStructField("tile_width", DataTypes.IntegerType, false),
      DataTypes.createStructField("tile_height", DataTypes.IntegerType, false),
      DataTypes.createStructField("k", DataTypes.IntegerType, false),
      DataTypes.createStructField("codec", DataTypes.StringType, false),
      DataTypes.createStructField("alpha", DataTypes.StringType, false),
      DataTypes.createStructField(ENCODED_AT, DataTypes.TimestampType, false),
      // the model's training degradation ("bicubic:2-4", Degradation), which levels at and below
      // scale 1 undo; null for a model that interpolates its samples, and in rows written before it
      DataTypes.createStructField(DEGRADATION, DataTypes.StringType, true),
      DataTypes.createStructField("reach", DataTypes.DoubleType, false),
      DataTypes.createStructField("params", DataTypes.BinaryType, false, PARAMS_META),
      // where the model ran ("cpu", "cuda:N"); null in rows written before it was recorded
      DataTypes.createStructField(ENCODE_DEVICE, DataTypes.StringType, true),
      // null unless the image came from a table and --keep-columns named some of its columns
      DataTypes.createStructField(ATTRIBUTES, ATTRIBUTES_TYPE, true),
  });

  private FieldTable() {}

  /** The Spark row of a whole fields/ row, in SCHEMA's order. */
  public static Row toRow(FieldRow row) {
    FieldRecord r = row.field();
    SourceStat source = row.source();
    return RowFactory.create(r.key(), r.sourceUri(), r.sourceSha256(),
        source == null ? null : source.size(), source == null ? null : source.modifiedMillis(),
        source == null ? null : source.etag(), r.modelId(), FieldContract.VERSION,
        r.width(), r.height(), r.tileX(), r.tileY(), r.tileWidth(), r.tileHeight(), r.k(), r.codec(),
        r.alpha(), row.encodedAt(), r.degradation(), r.reach(), r.params(), row.device() == null ? null : row.device().toString(),
        attributes(row.attributes()));
  }

  /**
   * A whole fields/ row read back by name (the version checked): columns a table written before
   * them lacks (the source's listing, the device, attributes) are null.
   */
  public static FieldRow rowOf(Row row) {
    Long size = optional(row, SOURCE_SIZE);
    Long modified = optional(row, SOURCE_MODIFIED);
    SourceStat source = size == null || modified == null ? null
        : new SourceStat(size, modified, optional(row, SOURCE_ETAG));
    scala.collection.Map<String, String> attributes = optional(row, ATTRIBUTES);
    return new FieldRow(fromRow(row), source, optional(row, ENCODED_AT), Device.parse(optional(row, "encode_device")),
        attributes == null ? null : row.getJavaMap(row.fieldIndex(ATTRIBUTES)));
  }

  /** A column's value, or null where the row has no such column (a table written before it). */
  public static <T> T optional(Row r, String column) {
    int at = java.util.Arrays.asList(r.schema().fieldNames()).indexOf(column);
    return at < 0 || r.isNullAt(at) ? null : r.getAs(at);
  }

  /** A map as a Row holds one (Scala's, in 2.12 and 2.13 alike); null stays null. */
  @SuppressWarnings("deprecation") // JavaConverters is the one converter both Scala versions have
  public static scala.collection.Map<String, String> attributes(Map<String, String> values) {
    return values == null ? null : scala.collection.JavaConverters.mapAsScalaMap(values);
  }

  /** Every reader of fields/ rows refuses a version it does not know, the same way. */
  public static void checkVersion(int version, String key) {
    if (version != FieldContract.VERSION) {
      throw new IllegalArgumentException("field version " + version + " of '" + key
          + "' is not readable by this job (version " + FieldContract.VERSION + ")");
    }
  }

  /** A fields/ row's columns by name, however it was read: a Spark Row, or a Parquet record (TileReader). */
  public interface Columns {
    Object get(String name);
  }

  /**
   * Reads by name, so a file with extra columns (a later version's) still reads, and a struct of
   * an older table, without the nullable columns added since, reads them as null.
   */
  public static FieldRecord fromRow(Row row) {
    return fromColumns(name -> SCHEMA.apply(name).nullable() ? optional(row, name) : row.get(row.fieldIndex(name)));
  }

  /** The one mapping of a row's columns to a FieldRecord, the version checked first. */
  public static FieldRecord fromColumns(Columns c) {
    checkVersion((Integer) c.get("field_version"), (String) c.get("key"));
    return new FieldRecord(
        (String) c.get("key"),
        (String) c.get("source_uri"),
        (String) c.get("source_sha256"),
        (String) c.get("model_id"),
        (Integer) c.get("width"),
        (Integer) c.get("height"),
        (Integer) c.get("tile_x"),
        (Integer) c.get("tile_y"),
        (Integer) c.get("tile_width"),
        (Integer) c.get("tile_height"),
        (Integer) c.get("k"),
        (String) c.get("codec"),
        (String) c.get("alpha"),
        (String) c.get(DEGRADATION),
        (Double) c.get("reach"),
        (byte[]) c.get("params"));
  }
}
