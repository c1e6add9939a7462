package dev.p2g.encode;

/**
 * Checks that a RIFF file (WebP) holds every byte its headers declare. TwelveMonkeys' lossless WebP
 * decoder reads zeros past the end of its input instead of failing, so a truncated file would
 * otherwise decode into a silently partial image; the declared lengths are the only witness.
 */
final class RiffLength {
  private static final int HEADER = 12; // "RIFF", size, form type
  private static final int CHUNK_HEADER = 8; // fourcc, size
  private static final int SIZE_AT = 4;
  private static final long UNSIGNED_INT_MASK = 0xFFFF_FFFFL;

  private RiffLength() {}

  /** What is missing, for a message; null when all declared data is present or the bytes are no RIFF. */
  static String shortfall(byte[] b) {
    if (b.length < HEADER || b[0] != 'R' || b[1] != 'I' || b[2] != 'F' || b[3] != 'F') {
      return null;
    }
    long end = CHUNK_HEADER + le32(b, SIZE_AT);
    // Writers disagree on whether the size counts the last chunk's pad byte: tolerate its absence.
    if (end > b.length + 1L) {
      return "the RIFF header declares " + end + " bytes, the file has " + b.length;
    }
    long pos = HEADER;
    while (pos + CHUNK_HEADER <= Math.min(end, b.length)) {
      long size = le32(b, (int) pos + SIZE_AT);
      long dataEnd = pos + CHUNK_HEADER + size;
      if (dataEnd > b.length) {
        return "chunk '" + fourcc(b, (int) pos) + "' declares " + size + " bytes, the file holds "
            + (b.length - pos - CHUNK_HEADER);
      }
      pos = dataEnd + (size & 1);
    }
    return null;
  }

  private static long le32(byte[] b, int at) {
    return ((b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8 | (b[at + 2] & 0xFF) << 16 | (b[at + 3] & 0xFF) << 24)
        & UNSIGNED_INT_MASK;
  }

  private static String fourcc(byte[] b, int at) {
    StringBuilder s = new StringBuilder();
    for (int i = at; i < at + 4; i++) {
      char c = (char) (b[i] & 0xFF);
      s.append(c >= ' ' && c < 0x7F ? c : '?');
    }
    return s.toString();
  }
}
