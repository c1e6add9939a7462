package dev.p2g.tables;

import dev.p2g.io.Device;
import dev.p2g.render.Scale;
import java.io.Serializable;
import java.sql.Timestamp;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * One row of manifest/ (ManifestTable.SCHEMA): an image written at a level. The scale's
 * canonical text, its two factors and the level folder name all come from scale. member (the tar
 * member) and rowIndex (the Parquet row) say where in the shard at path the image is; both null
 * in the files layout. attributes: what the image carries from its source table
 * (--keep-columns), or null.
 */
public record ManifestRecord(String key, Scale scale, String path, int width, int height, String format, long bytes,
    double renderMs, Device device, String sourceSha256, String modelId, Timestamp renderedAt, String member,
    Long rowIndex, Map<String, String> attributes) implements Serializable {

  public Row toRow() {
    return RowFactory.create(key, scale.canonical(), scale.x(), scale.y(), path, width, height, format, bytes,
        renderMs, device == null ? null : device.toString(), sourceSha256, modelId, renderedAt, scale.level(), member, rowIndex,
        FieldTable.attributes(attributes));
  }

  /** Reads a row of manifest/ by column name. */
  public static ManifestRecord fromRow(Row r) {
    return new ManifestRecord(r.getAs("key"), new Scale(r.<Double>getAs("scale_x"), r.<Double>getAs("scale_y")),
        r.getAs("path"), r.<Integer>getAs("width"), r.<Integer>getAs("height"), r.getAs("format"),
        r.<Long>getAs("bytes"), r.<Double>getAs("render_ms"), Device.parse(r.getAs("device")), r.getAs("source_sha256"),
        r.getAs("model_id"), r.getAs(ManifestTable.RENDERED_AT), optional(r, ManifestTable.MEMBER),
        optional(r, ManifestTable.ROW_INDEX), attributes(r));
  }

  /** The attributes column, null where absent (older files) or empty. */
  public static Map<String, String> attributes(Row r) {
    int at = java.util.Arrays.asList(r.schema().fieldNames()).indexOf(FieldTable.ATTRIBUTES);
    return at < 0 || r.isNullAt(at) ? null : r.getJavaMap(at);
  }

  /** A column added later: absent from rows read without the table's schema from older files. */
  private static <T> T optional(Row r, String column) {
    int at = java.util.Arrays.asList(r.schema().fieldNames()).indexOf(column);
    return at < 0 || r.isNullAt(at) ? null : r.getAs(at);
  }
}
