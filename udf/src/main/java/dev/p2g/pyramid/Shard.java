package dev.p2g.pyramid;

import dev.p2g.pyramid.ImageSink.Entry;
import java.io.IOException;
import java.io.InputStream;

/** One open shard file of a level (a tar or a Parquet file), written at its temporary path. */
interface Shard extends AutoCloseable {
  /** Opens an image's bytes; called once per add, after the size is known. */
  interface Source {
    InputStream open() throws IOException;
  }

  /**
   * Appends an image of size bytes. Returns its placement with a null path (the sink knows the
   * shard's final name): the tar member, or the Parquet row.
   */
  ImageSink.Placement add(Entry entry, long size, Source source) throws IOException;

  int images();

  /** Bytes written so far, to close a shard at ShardSink.MAX_SHARD_BYTES. */
  long bytes();

  @Override
  void close() throws IOException;

  /**
   * Drops the shard, unfinished. True when it was discarded without ever being stored (an S3A
   * upload aborted); false when it could only be closed, and its file is the caller's to delete.
   */
  default boolean discard() throws IOException {
    close();
    return false;
  }
}
