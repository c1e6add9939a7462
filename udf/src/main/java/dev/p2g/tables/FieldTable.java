package dev.p2g.tables;

import dev.p2g.field.FieldContract;
import dev.p2g.field.FieldRecord;
import dev.p2g.io.SourceStat;
import java.sql.Timestamp;
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
      DataTypes.createStructField("reach", DataTypes.DoubleType, false),
      DataTypes.createStructField("params", DataTypes.BinaryType, false, PARAMS_META),
      // where the model ran ("cpu", "cuda:N"); null in rows written before it was recorded
      DataTypes.createStructField(ENCODE_DEVICE, DataTypes.StringType, true),
      // null unless the image came from a table and --keep-columns named some of its columns
      DataTypes.createStructField(ATTRIBUTES, ATTRIBUTES_TYPE, true),
  });

  private FieldTable() {}

  /**
   * source: what the listing said of the file, null where it is not known (tests of the codec
   * alone); device: where the model ran; attributes: kept values, or null.
   */
  public static Row toRow(FieldRecord r, SourceStat source, Timestamp encodedAt, String device,
      Map<String, String> attributes) {
    return RowFactory.create(r.key(), r.sourceUri(), r.sourceSha256(),
        source == null ? null : source.size(), source == null ? null : source.modifiedMillis(),
        source == null ? null : source.etag(), r.modelId(), FieldContract.VERSION,
        r.width(), r.height(), r.tileX(), r.tileY(), r.tileWidth(), r.tileHeight(), r.k(), r.codec(),
        r.alpha(), encodedAt, r.reach(), r.params(), device, attributes(attributes));
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

  /** Reads by name, so a file with extra columns (a later version's) still reads. */
  public static FieldRecord fromRow(Row row) {
    checkVersion(row.getInt(row.fieldIndex("field_version")), row.getString(row.fieldIndex("key")));
    return new FieldRecord(
        row.getString(row.fieldIndex("key")),
        row.getString(row.fieldIndex("source_uri")),
        row.getString(row.fieldIndex("source_sha256")),
        row.getString(row.fieldIndex("model_id")),
        row.getInt(row.fieldIndex("width")),
        row.getInt(row.fieldIndex("height")),
        row.getInt(row.fieldIndex("tile_x")),
        row.getInt(row.fieldIndex("tile_y")),
        row.getInt(row.fieldIndex("tile_width")),
        row.getInt(row.fieldIndex("tile_height")),
        row.getInt(row.fieldIndex("k")),
        row.getString(row.fieldIndex("codec")),
        row.getString(row.fieldIndex("alpha")),
        row.getDouble(row.fieldIndex("reach")),
        (byte[]) row.get(row.fieldIndex("params")));
  }
}
