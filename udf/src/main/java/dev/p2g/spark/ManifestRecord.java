package dev.p2g.spark;

import dev.p2g.render.Scale;
import java.io.Serializable;
import java.sql.Timestamp;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * One row of manifest/ (ManifestTable.SCHEMA): an image written at a level. The scale's
 * canonical text, its two factors and the level folder name all come from scale.
 */
public record ManifestRecord(String key, Scale scale, String path, int width, int height, String format, long bytes,
    double renderMs, String device, String sourceSha256, String modelId, Timestamp renderedAt)
    implements Serializable {

  public Row toRow() {
    return RowFactory.create(key, scale.canonical(), scale.x(), scale.y(), path, width, height, format, bytes,
        renderMs, device, sourceSha256, modelId, renderedAt, scale.level());
  }

  /** Reads a row of manifest/ by column name. */
  public static ManifestRecord fromRow(Row r) {
    return new ManifestRecord(r.getAs("key"), new Scale(r.<Double>getAs("scale_x"), r.<Double>getAs("scale_y")),
        r.getAs("path"), r.<Integer>getAs("width"), r.<Integer>getAs("height"), r.getAs("format"),
        r.<Long>getAs("bytes"), r.<Double>getAs("render_ms"), r.getAs("device"), r.getAs("source_sha256"),
        r.getAs("model_id"), r.getAs(ManifestTable.RENDERED_AT));
  }
}
