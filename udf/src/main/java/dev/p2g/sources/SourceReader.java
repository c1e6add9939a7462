package dev.p2g.sources;

import dev.p2g.field.ImageFailure;
import dev.p2g.io.HadoopFiles;
import dev.p2g.io.TarShards;
import java.io.Closeable;
import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.api.ReadSupport;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.schema.MessageType;

/**
 * Reads the bytes of listed images (EncodePartition.INPUT) inside a task: a file by its URI; a
 * shard member with one positioned read at its data offset; a table row by reading the file's
 * image column forward to the row's index. The last container stays open, so images of one
 * container that come in position order (Chunks sorts them so) cost one pass over it.
 */
public final class SourceReader implements Closeable {
  private final Configuration hadoop;
  private final long maxBytes;
  private final TableImages table;
  private String open;
  private FSDataInputStream shard;
  private ParquetReader<Group> rows;
  private long nextRow;

  /** table: where a table's images are, null unless the input is Parquet tables. */
  public SourceReader(Configuration hadoop, long maxBytes, TableImages table) {
    this.hadoop = hadoop;
    this.maxBytes = maxBytes;
    this.table = table;
  }

  /** The image's bytes; size is what the listing said (a member's size; 0 for a table row). */
  public byte[] read(String uri, String container, Long position, long size) throws ImageFailure {
    try {
      if (container == null) {
        return HadoopFiles.read(uri, hadoop, maxBytes);
      }
      if (size > maxBytes) {
        throw new HadoopFiles.FileTooLargeException(uri, size, maxBytes);
      }
      return container.endsWith("." + PackedSources.SHARD_EXTENSION) ? member(container, position, size)
          : row(container, position);
    } catch (HadoopFiles.FileTooLargeException e) {
      throw new ImageFailure("read.too-large", e.getMessage(), e);
    } catch (IOException e) {
      throw new ImageFailure("read.io", "cannot read the image: " + e, e);
    }
  }

  private byte[] member(String container, long offset, long size) throws IOException {
    if (!container.equals(open) || shard == null) {
      close();
      shard = new Path(container).getFileSystem(hadoop).open(new Path(container));
      open = container;
    }
    return TarShards.read(shard, offset, size);
  }

  private byte[] row(String container, long index) throws IOException, ImageFailure {
    if (!container.equals(open) || rows == null || index < nextRow) {
      close();
      Path path = new Path(container);
      MessageType schema;
      try (ParquetFileReader footer = ParquetFileReader.open(HadoopInputFile.fromPath(path, hadoop))) {
        schema = footer.getFooter().getFileMetaData().getSchema();
      }
      String problem = table.problem(schema);
      if (problem != null) {
        throw new IOException("the table file " + problem);
      }
      Configuration projected = new Configuration(hadoop);
      projected.set(ReadSupport.PARQUET_READ_SCHEMA, table.bytesProjection(schema).toString());
      rows = ParquetReader.builder(new GroupReadSupport(), path).withConf(projected).build();
      open = container;
      nextRow = 0;
    }
    Group g = null;
    for (; nextRow <= index; nextRow++) {
      g = rows.read();
      if (g == null) {
        throw new IOException("the table file has no row " + index + " (it has " + nextRow + ")");
      }
    }
    String column = table.imageColumn();
    if (g.getFieldRepetitionCount(column) == 0) {
      throw new ImageFailure("read.null-bytes", "row " + index + " has no image (its '" + column + "' is null)");
    }
    boolean struct = !g.getType().getType(column).isPrimitive();
    if (struct && g.getGroup(column, 0).getFieldRepetitionCount(TableImages.BYTES) == 0) {
      throw new ImageFailure("read.null-bytes", "row " + index + " has no image bytes ('" + column + "."
          + TableImages.BYTES + "' is null)");
    }
    byte[] bytes = (struct ? g.getGroup(column, 0).getBinary(TableImages.BYTES, 0) : g.getBinary(column, 0)).getBytes();
    if (bytes.length > maxBytes) {
      throw new HadoopFiles.FileTooLargeException(container + "#" + index, bytes.length, maxBytes);
    }
    return bytes;
  }

  @Override
  public void close() {
    try {
      if (shard != null) {
        shard.close();
      }
      if (rows != null) {
        rows.close();
      }
    } catch (IOException e) {
      // a reader that fails to close has given its bytes already
    }
    shard = null;
    rows = null;
    open = null;
  }
}
