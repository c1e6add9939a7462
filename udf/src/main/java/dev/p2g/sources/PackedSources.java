package dev.p2g.sources;

import dev.p2g.io.ImageKeys;
import dev.p2g.io.SourceStat;
import dev.p2g.tables.FieldTable;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Images packed in containers (--input-format webdataset: tar shards; parquet: tables with an
 * image column): the rows their listing makes, one per image. An image is found again by its
 * container and position (a shard member's data offset, a table row's index in its file), so
 * encode reads it without listing the container again. A container that cannot be listed, or
 * one of its images, gives a row with an error instead (it becomes an errors/ row).
 */
public final class PackedSources {
  /** ListFiles.SCHEMA's columns, then where the image is packed, then the listing's error if any. */
  public static final StructType MEMBER = ListFiles.SCHEMA
      .add("container", DataTypes.StringType, true)
      .add("position", DataTypes.LongType, true)
      .add("error_class", DataTypes.StringType, true)
      .add("message", DataTypes.StringType, true)
      .add(FieldTable.ATTRIBUTES, FieldTable.ATTRIBUTES_TYPE, true);

  /** Container files by extension: what each input format lists. */
  public static final String SHARD_EXTENSION = "tar";
  public static final String TABLE_EXTENSION = "parquet";

  private PackedSources() {}

  /**
   * An image in a container. key: its key before sanitising; name: the member or row as the
   * source URI shows it (container#name); size: its bytes, 0 where the listing cannot know them;
   * attributes: the values it carries (--keep-columns), or null.
   */
  static Row image(Row container, String key, String name, long position, long size, Map<String, String> attributes) {
    SourceStat stat = stat(container);
    return RowFactory.create(container.getAs("root"), container.<String>getAs("uri") + "#" + name, false,
        ImageKeys.sanitize(key), true, size, stat.modifiedMillis(), stat.etag(), container.getAs("uri"), position,
        null, null, FieldTable.attributes(attributes));
  }

  /** Something in a container that is not an image (a sample without an image member): counted, not encoded. */
  static Row other(Row container, String key, String name) {
    SourceStat stat = stat(container);
    return RowFactory.create(container.getAs("root"), container.<String>getAs("uri") + "#" + name, false,
        ImageKeys.sanitize(key), false, 0L, stat.modifiedMillis(), stat.etag(), container.getAs("uri"), null, null,
        null, null);
  }

  /** A container, or a part of it, that could not be listed: key names it as an image key would. */
  static Row error(Row container, String key, String name, String errorClass, String message) {
    SourceStat stat = stat(container);
    return RowFactory.create(container.getAs("root"), container.<String>getAs("uri") + (name == null ? "" : "#" + name),
        false, ImageKeys.sanitize(key), false, 0L, stat.modifiedMillis(), stat.etag(), container.getAs("uri"), null,
        errorClass, message, null);
  }

  /** The container's key without its extension: the folder its images' keys start with. */
  static String folderKey(Row container) {
    return ImageKeys.stem(container.getAs("key"));
  }

  private static SourceStat stat(Row container) {
    return new SourceStat(container.getAs(FieldTable.SOURCE_SIZE), container.getAs(FieldTable.SOURCE_MODIFIED),
        container.getAs(FieldTable.SOURCE_ETAG));
  }
}
