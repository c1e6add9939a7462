package dev.p2g.tables;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * fields/_p2g_sources/: one row per source hashed by a re-run, with what its listing said. A
 * source whose listing changed but whose bytes did not (a copy, a touch, a field written before
 * fields/ recorded listings) is hashed once; from then on this row vouches for its listing, and
 * the next run skips it without reading it. Hidden from readers of fields/ by its '_' name.
 */
public final class SourceCheckTable {
  public static final String FOLDER = "_p2g_sources";
  public static final String CHECKED_AT = "checked_at";

  public static final StructType SCHEMA = new StructType()
      .add("key", DataTypes.StringType, false)
      .add("source_uri", DataTypes.StringType, false)
      .add(FieldTable.SOURCE_SIZE, DataTypes.LongType, false)
      .add(FieldTable.SOURCE_MODIFIED, DataTypes.LongType, false)
      .add(FieldTable.SOURCE_ETAG, DataTypes.StringType, true)
      .add("source_sha256", DataTypes.StringType, true) // null: the file could not be read
      .add(CHECKED_AT, DataTypes.TimestampType, false);

  private SourceCheckTable() {}

  public static String uri(String fieldsUri) {
    return fieldsUri.replaceAll("/+$", "") + "/" + FOLDER;
  }
}
