package dev.p2g.render;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Quantises float RGB rows to 8 bits for a TiledRender.RowSink. As the RowResampler.Rows of a
 * streaming reduction it carries the sink's IOException out unchecked; the tiled renders unwrap it.
 */
final class Rgb8Rows implements RowResampler.Rows {
  private final TiledRender.RowSink sink;
  private final byte[] buffer;

  Rgb8Rows(TiledRender.RowSink sink, int width) {
    this.sink = sink;
    this.buffer = new byte[3 * width];
  }

  /** Writes 3 * width interleaved floats as one 8-bit row. */
  void write(float[] rgb) throws IOException {
    for (int i = 0; i < buffer.length; i++) {
      buffer[i] = (byte) ImageEncoding.quantize(rgb[i]);
    }
    sink.row(buffer);
  }

  @Override
  public void row(int v, float[] rgb) {
    try {
      write(rgb);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
