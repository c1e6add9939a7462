package dev.p2g.pyramid;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes a POSIX tar archive (ustar headers, a PAX extended header before a member whose name
 * does not fit ustar's 100 ASCII bytes or whose size does not fit its 11 octal digits), as
 * Python's tarfile and GNU tar read it. Members are regular files of mode 0644; every member
 * needs its size before its content, as tar has no other way to find where it ends.
 */
public final class TarWriter implements AutoCloseable {
  static final int BLOCK = 512;
  /** ustar's size field: 11 octal digits, 8 GiB - 1. */
  private static final long MAX_USTAR_SIZE = 077777777777L;
  private static final int NAME_BYTES = 100;

  private final OutputStream out;
  private final long mtimeSeconds;
  private long written;
  private boolean finished;

  /** mtimeSeconds: every member's modification time (the run's start, so shards say when they were made). */
  public TarWriter(OutputStream out, long mtimeSeconds) {
    this.out = out;
    this.mtimeSeconds = mtimeSeconds;
  }

  public void add(String name, byte[] content) throws IOException {
    header(name, content.length);
    out.write(content);
    written += content.length;
    pad(content.length);
  }

  /** A member of size bytes read from in; in must hold at least that many. */
  public void add(String name, long size, InputStream in) throws IOException {
    header(name, size);
    byte[] buffer = new byte[1 << 16];
    long left = size;
    while (left > 0) {
      int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
      if (n < 0) {
        throw new IOException("member " + name + " ended after " + (size - left) + " of its " + size + " bytes");
      }
      out.write(buffer, 0, n);
      left -= n;
    }
    written += size;
    pad(size);
  }

  /** Bytes written so far, headers and padding included. */
  public long written() {
    return written;
  }

  /** The two zero blocks that end an archive; the stream stays open. */
  public void finish() throws IOException {
    if (!finished) {
      out.write(new byte[2 * BLOCK]);
      written += 2 * BLOCK;
      finished = true;
    }
    out.flush();
  }

  @Override
  public void close() throws IOException {
    try {
      finish();
    } finally {
      out.close();
    }
  }

  private void header(String name, long size) throws IOException {
    byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
    boolean ascii = nameBytes.length == name.length();
    boolean pax = !ascii || nameBytes.length > NAME_BYTES || size > MAX_USTAR_SIZE;
    if (pax) {
      StringBuilder records = new StringBuilder();
      if (!ascii || nameBytes.length > NAME_BYTES) {
        records.append(paxRecord("path", name));
      }
      if (size > MAX_USTAR_SIZE) {
        records.append(paxRecord("size", Long.toString(size)));
      }
      byte[] body = records.toString().getBytes(StandardCharsets.UTF_8);
      out.write(block(fallbackName("PaxHeaders/" + name), body.length, 'x'));
      out.write(body);
      written += BLOCK + body.length;
      pad(body.length);
    }
    out.write(block(pax ? fallbackName(name) : name, Math.min(size, MAX_USTAR_SIZE), '0'));
    written += BLOCK;
  }

  /** "LEN key=value\n", where LEN counts the whole record, its own digits included. */
  static String paxRecord(String key, String value) {
    int body = (" " + key + "=" + value + "\n").getBytes(StandardCharsets.UTF_8).length;
    int length = body + Integer.toString(body).length();
    if (Integer.toString(length).length() != Integer.toString(body).length()) {
      length++; // adding the digits added a digit
    }
    return length + " " + key + "=" + value + "\n";
  }

  /** The ustar name field's stand-in when PAX carries the real name: ASCII, at most 100 bytes. */
  private static String fallbackName(String name) {
    StringBuilder b = new StringBuilder();
    for (char c : name.toCharArray()) {
      b.append(c < 0x80 && c >= 0x20 ? c : '_');
    }
    return b.length() <= NAME_BYTES ? b.toString() : b.substring(b.length() - NAME_BYTES);
  }

  private byte[] block(String name, long size, char type) {
    byte[] h = new byte[BLOCK];
    put(h, 0, NAME_BYTES, name.getBytes(StandardCharsets.US_ASCII));
    octal(h, 100, 8, 0644);
    octal(h, 108, 8, 0);
    octal(h, 116, 8, 0);
    octal(h, 124, 12, size);
    octal(h, 136, 12, mtimeSeconds);
    h[156] = (byte) type;
    put(h, 257, 6, "ustar\0".getBytes(StandardCharsets.US_ASCII));
    put(h, 263, 2, "00".getBytes(StandardCharsets.US_ASCII));
    // the checksum is computed with its own field as eight spaces
    for (int i = 148; i < 156; i++) {
      h[i] = ' ';
    }
    long sum = 0;
    for (byte b : h) {
      sum += b & 0xff;
    }
    String digits = String.format("%06o", sum);
    put(h, 148, 6, digits.getBytes(StandardCharsets.US_ASCII));
    h[154] = 0;
    h[155] = ' ';
    return h;
  }

  private static void octal(byte[] h, int at, int width, long value) {
    String digits = String.format("%0" + (width - 1) + "o", value);
    put(h, at, width - 1, digits.getBytes(StandardCharsets.US_ASCII));
    h[at + width - 1] = 0;
  }

  private static void put(byte[] h, int at, int max, byte[] value) {
    System.arraycopy(value, 0, h, at, Math.min(max, value.length));
  }

  private void pad(long size) throws IOException {
    int rest = (int) (size % BLOCK);
    if (rest != 0) {
      out.write(new byte[BLOCK - rest]);
      written += BLOCK - rest;
    }
  }
}
