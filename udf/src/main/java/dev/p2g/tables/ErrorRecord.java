package dev.p2g.tables;

import java.io.Serializable;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * One failed image in one stage: a row of errors/ (partitioned by stage: errors/stage=encode/).
 * level names the pyramid level for render failures and is null for encode failures.
 */
public record ErrorRecord(String key, String sourceUri, String stage, String level, String errorClass,
    String message) implements Serializable {
  public static final String ENCODE = "encode";
  public static final String RENDER = "render";
  public static final String STAGE = "stage";

  /** Messages are for people; a runaway one (a stack of causes) must not bloat the table. */
  private static final int MAX_MESSAGE = 2000;

  public static final StructType SCHEMA = new StructType(new StructField[] {
      DataTypes.createStructField("key", DataTypes.StringType, false),
      DataTypes.createStructField("source_uri", DataTypes.StringType, true),
      DataTypes.createStructField("level", DataTypes.StringType, true),
      DataTypes.createStructField("error_class", DataTypes.StringType, false),
      DataTypes.createStructField("message", DataTypes.StringType, false),
      DataTypes.createStructField(STAGE, DataTypes.StringType, false),
  });

  public ErrorRecord {
    if (message == null) {
      message = "(no message)";
    } else if (message.length() > MAX_MESSAGE) {
      message = message.substring(0, MAX_MESSAGE) + "...";
    }
  }

  public Row toRow() {
    return RowFactory.create(key, sourceUri, level, errorClass, message, stage);
  }

  public static ErrorRecord fromRow(Row r) {
    return new ErrorRecord(r.getString(r.fieldIndex("key")), r.getString(r.fieldIndex("source_uri")),
        r.getString(r.fieldIndex(STAGE)), r.getString(r.fieldIndex("level")),
        r.getString(r.fieldIndex("error_class")), r.getString(r.fieldIndex("message")));
  }
}
