package dev.p2g.pyramid;

import dev.p2g.pyramid.ImageSink.Entry;
import dev.p2g.pyramid.ImageSink.Placement;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;

/**
 * A Parquet shard: one row per image (key, width, height, format, image), written with
 * parquet-hadoop inside the task, as TileReader reads fields/. Rows are numbered in the order
 * they are written, which is the file's row order (Spark's _metadata.row_index).
 */
final class ParquetShard implements Shard {
  static final MessageType SCHEMA = MessageTypeParser.parseMessageType(String.join("\n",
      "message pyramid_image {",
      "  required binary key (STRING);",
      "  required int32 width;",
      "  required int32 height;",
      "  required binary format (STRING);",
      "  required binary image;",
      "}"));
  private static final String IMAGE = "image";
  /** Footer key naming the level, so a file moved out of its folder still says what it holds. */
  static final String LEVEL_KEY = "p2g.pyramid.level";
  /**
   * A row's image is held in memory while its row group is written; a streamed (tiled) image
   * larger than this is refused (render.too-large) rather than exhausting the task's heap.
   */
  static final long MAX_IMAGE_BYTES = 512L << 20;

  private final ParquetWriter<Group> writer;
  private final SimpleGroupFactory rows = new SimpleGroupFactory(SCHEMA);
  private int images;
  private long bytes;

  ParquetShard(Path path, String level, Configuration hadoop) throws IOException {
    // images are PNG or JPEG already: compressing them again costs time and gains nothing; each is
    // unique, so a dictionary of them is built only to be dropped, and min/max statistics of image
    // bytes help no reader (the key's statistics stay: they let a reader find one key's row)
    // (statistics by configuration key: the builder's per-column methods are not in Spark 3.5's Parquet 1.13)
    Configuration conf = new Configuration(hadoop);
    conf.setBoolean("parquet.column.statistics.enabled#" + IMAGE, false);
    conf.setBoolean("parquet.size.statistics.enabled#" + IMAGE, false);
    this.writer = ExampleParquetWriter.builder(path).withConf(conf).withType(SCHEMA)
        .withCompressionCodec(CompressionCodecName.UNCOMPRESSED)
        .withDictionaryEncoding(IMAGE, false)
        .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
        .withExtraMetaData(Map.of(LEVEL_KEY, level))
        .build();
  }

  @Override
  public Placement add(Entry entry, long size, Source source) throws IOException {
    if (size > MAX_IMAGE_BYTES) {
      throw new OutputTooLarge("the " + size + "-byte image is over " + MAX_IMAGE_BYTES
          + " bytes, the most a parquet pyramid row holds; use --pyramid-layout files or webdataset");
    }
    byte[] image;
    try (InputStream in = source.open()) {
      image = in.readNBytes((int) size);
    }
    writer.write(rows.newGroup()
        .append("key", entry.key())
        .append("width", entry.width())
        .append("height", entry.height())
        .append("format", entry.extension())
        .append(IMAGE, Binary.fromConstantByteArray(image)));
    long row = images++;
    bytes += size;
    return new Placement(null, size, null, row);
  }

  @Override
  public int images() {
    return images;
  }

  @Override
  public long bytes() {
    return bytes;
  }

  @Override
  public void close() throws IOException {
    writer.close();
  }
}
