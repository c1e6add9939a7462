package dev.p2g.pyramid;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Where a render task puts the encoded images of its levels (one sink per task, every level).
 * What a put returns is where the image now lives, for its manifest row. close() finishes what
 * is still open (a shard is renamed to its final name) and must succeed before the task's
 * manifest rows are committed; abort() drops it.
 */
public interface ImageSink extends AutoCloseable {
  /** The image a put stores: what names it, and what a shard records beside its bytes. */
  record Entry(String key, String level, String extension, int width, int height, String sourceUri,
      String modelId, java.util.Map<String, String> attributes) {}

  /**
   * Where an image was stored: path is the file (files layout) or shard; member is the tar member
   * (webdataset), rowIndex the row in the Parquet file (parquet), each null otherwise.
   */
  record Placement(String path, long bytes, String member, Long rowIndex) {}

  /** Writes an encoded image of unknown length to a stream (a PNG written as it renders). */
  interface Content {
    void writeTo(OutputStream out) throws IOException;
  }

  Placement put(Entry entry, byte[] bytes) throws IOException;

  /** Stores an image written as it is made; its length is known only when it is done. */
  Placement stream(Entry entry, Content content) throws IOException;

  @Override
  void close() throws IOException;

  /** The task failed: removes what close() would have published, as far as it can. */
  void abort();
}
