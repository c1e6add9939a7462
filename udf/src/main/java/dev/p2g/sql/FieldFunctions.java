package dev.p2g.sql;

import dev.p2g.field.FieldRecord;
import dev.p2g.render.CpuRenderer;
import dev.p2g.render.ImageEncoding;
import dev.p2g.render.OutputFormat;
import dev.p2g.render.Scale;
import dev.p2g.tables.FieldTable;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * What the SQL functions do with one stored field row (a fields/ row as a struct, or what
 * p2g_encode returns): render it, size it, describe it. Rendering is the job's CPU path, so an
 * image equals the pyramid file the job writes for the same field and scale, byte for byte.
 */
final class FieldFunctions {
  static final StructType SIZE = new StructType()
      .add("width", DataTypes.IntegerType, false)
      .add("height", DataTypes.IntegerType, false);
  static final StructType INFO = new StructType()
      .add("model_id", DataTypes.StringType, false)
      .add("k", DataTypes.IntegerType, false)
      .add("width", DataTypes.IntegerType, false)
      .add("height", DataTypes.IntegerType, false)
      .add("codec", DataTypes.StringType, false)
      .add("bytes", DataTypes.LongType, false)
      .add("tiled", DataTypes.BooleanType, false);

  private FieldFunctions() {}

  static byte[] render(String function, Row field, String scale, String format) {
    FieldRecord record = wholeField(function, field);
    Scale s = scale(function, scale);
    OutputFormat f;
    try {
      f = OutputFormat.parse(format == null ? "png" : format);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(function + ": " + e.getMessage(), e);
    }
    return ImageEncoding.encode(new CpuRenderer().renderRgb8(record.decodeField(), s), f);
  }

  static Row size(String function, Row field, String scale) {
    FieldRecord record = record(function, field);
    Scale s = scale(function, scale);
    return RowFactory.create(s.outputWidth(record.width()), s.outputHeight(record.height()));
  }

  static Row info(String function, Row field) {
    FieldRecord record = record(function, field);
    return RowFactory.create(record.modelId(), record.k(), record.width(), record.height(), record.codec(),
        (long) record.params().length, isTile(record));
  }

  /** A row of a tiled image holds one tile: rendering it alone would be a wrong image. */
  private static FieldRecord wholeField(String function, Row field) {
    FieldRecord record = record(function, field);
    if (isTile(record)) {
      throw new IllegalArgumentException(function + ": field '" + record.key() + "' is the tile at ("
          + record.tileX() + ", " + record.tileY() + ") of a tiled " + record.width() + "x" + record.height()
          + " image; render tiled images with the render command (p2g render --fields ... --scales ...),"
          + " which joins their tiles");
    }
    return record;
  }

  private static boolean isTile(FieldRecord r) {
    return r.tileWidth() != r.width() || r.tileHeight() != r.height();
  }

  private static FieldRecord record(String function, Row field) {
    if (field == null) {
      throw new IllegalArgumentException(function + ": the field is null (pass a fields/ row as struct(*),"
          + " or p2g_encode's result)");
    }
    try {
      return FieldTable.fromRow(field);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(function + ": not a p2g field: " + e.getMessage()
          + " (pass a fields/ row as struct(*), or p2g_encode's result)", e);
    }
  }

  private static Scale scale(String function, String text) {
    if (text == null) {
      throw new IllegalArgumentException(function + ": the scale is null (expected e.g. '2', '0.5' or '2x3')");
    }
    try {
      return Scale.parse(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(function + ": " + e.getMessage(), e);
    }
  }
}
