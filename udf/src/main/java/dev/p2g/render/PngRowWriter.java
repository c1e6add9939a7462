package dev.p2g.render;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Writes an 8-bit RGB PNG one row at a time, so an output far larger than memory can be written
 * while it is rendered (ImageIO's writer needs the whole image). Rows use one filter throughout
 * and zlib at one level: by default Up and 4, which on 16.8 M-pixel levels of two photos took
 * 0.41 and 0.60 of libvips' time (compression 6) for 0.92 and 0.53 of its bytes, where Sub and
 * level 6 took 1.66 and 2.84 of its time (docs/benchmarks.md, "PNG writing"). The data goes out
 * in IDAT chunks of at most 1 MiB.
 */
public final class PngRowWriter implements TiledRender.RowSink, AutoCloseable {
  /** PNG's row filters (the filter byte of each row). */
  public enum Filter { NONE, SUB, UP }

  /** zlib's level for pyramid PNGs (docs/benchmarks.md, "PNG writing"). */
  public static final int DEFAULT_LEVEL = 4;
  public static final Filter DEFAULT_FILTER = Filter.UP;

  private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  private static final int CHUNK = 1 << 20;
  private static final int BYTES_PER_PIXEL = 3;

  private final OutputStream out;
  private final int width;
  private final int height;
  private final Filter filter;
  private final Deflater deflater;
  private byte[] previous;
  private final ByteArrayOutputStream pending = new ByteArrayOutputStream(CHUNK + (1 << 16));
  private final byte[] filtered;
  private final byte[] deflateBuffer = new byte[1 << 16];
  private int rows;

  public PngRowWriter(OutputStream out, int width, int height) throws IOException {
    this(out, width, height, DEFAULT_LEVEL, DEFAULT_FILTER);
  }

  /** level: zlib's, 0 (stored) to 9; filter: the one every row uses. */
  public PngRowWriter(OutputStream out, int width, int height, int level, Filter filter) throws IOException {
    this.out = out;
    this.width = width;
    this.height = height;
    this.filter = filter;
    this.deflater = new Deflater(level);
    this.previous = filter == Filter.UP ? new byte[BYTES_PER_PIXEL * width] : null;
    this.filtered = new byte[1 + BYTES_PER_PIXEL * width];
    out.write(SIGNATURE);
    byte[] ihdr = new byte[13];
    putInt(ihdr, 0, width);
    putInt(ihdr, 4, height);
    ihdr[8] = 8; // bits per sample
    ihdr[9] = 2; // truecolour RGB
    chunk("IHDR", ihdr, ihdr.length);
  }

  @Override
  public void row(byte[] rgb) throws IOException {
    if (rows == height) {
      throw new IllegalStateException("all " + height + " rows are written already");
    }
    filtered[0] = (byte) filter.ordinal();
    int n = BYTES_PER_PIXEL * width;
    switch (filter) {
      case NONE -> System.arraycopy(rgb, 0, filtered, 1, n);
      case SUB -> {
        System.arraycopy(rgb, 0, filtered, 1, BYTES_PER_PIXEL);
        for (int i = BYTES_PER_PIXEL; i < n; i++) {
          filtered[1 + i] = (byte) (rgb[i] - rgb[i - BYTES_PER_PIXEL]);
        }
      }
      case UP -> {
        for (int i = 0; i < n; i++) {
          filtered[1 + i] = (byte) (rgb[i] - previous[i]);
        }
        System.arraycopy(rgb, 0, previous, 0, n);
      }
      default -> throw new AssertionError(filter);
    }
    deflater.setInput(filtered, 0, filtered.length);
    drain(Deflater.NO_FLUSH);
    rows++;
  }

  /** Finishes the PNG; fails when fewer rows than the height were written. */
  @Override
  public void close() throws IOException {
    try {
      if (rows != height) {
        throw new IOException("PNG has " + rows + " of its " + height + " rows");
      }
      deflater.finish();
      while (!deflater.finished()) {
        int n = deflater.deflate(deflateBuffer, 0, deflateBuffer.length);
        pending.write(deflateBuffer, 0, n);
      }
      flushIdat();
      chunk("IEND", new byte[0], 0);
    } finally {
      deflater.end();
    }
  }

  private void drain(int flush) throws IOException {
    while (true) {
      int n = deflater.deflate(deflateBuffer, 0, deflateBuffer.length, flush);
      if (n > 0) {
        pending.write(deflateBuffer, 0, n);
        if (pending.size() >= CHUNK) {
          flushIdat();
        }
      }
      if (n == 0 && deflater.needsInput()) {
        return;
      }
    }
  }

  private void flushIdat() throws IOException {
    if (pending.size() > 0) {
      chunk("IDAT", pending.toByteArray(), pending.size());
      pending.reset();
    }
  }

  private void chunk(String type, byte[] data, int length) throws IOException {
    byte[] head = new byte[8];
    putInt(head, 0, length);
    byte[] name = type.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(name, 0, head, 4, 4);
    CRC32 crc = new CRC32();
    crc.update(name);
    crc.update(data, 0, length);
    out.write(head);
    out.write(data, 0, length);
    byte[] tail = new byte[4];
    putInt(tail, 0, (int) crc.getValue());
    out.write(tail);
  }

  private static void putInt(byte[] b, int at, int v) {
    b[at] = (byte) (v >>> 24);
    b[at + 1] = (byte) (v >>> 16);
    b[at + 2] = (byte) (v >>> 8);
    b[at + 3] = (byte) v;
  }
}
