package dev.p2g.encode;

import dev.p2g.field.FloatImage;

/** Reads the EXIF orientation of a JPEG from its bytes and turns an image upright accordingly. */
public final class ExifOrientation {
  public static final int NORMAL = 1;
  public static final int MAX = 8;

  private static final int ORIENTATION_TAG = 0x0112;
  private static final int TYPE_BYTE = 1;
  private static final int TYPE_SHORT = 3;
  private static final int TYPE_LONG = 4;

  private static final int MARKER_PREFIX = 0xFF;
  private static final int SOI = 0xD8;
  private static final int EOI = 0xD9;
  private static final int SOS = 0xDA;
  private static final int APP1 = 0xE1;
  private static final int TEM = 0x01;
  private static final int RST0 = 0xD0;
  private static final int RST7 = 0xD7;
  private static final int MARKER_HEADER = 2;
  private static final int LENGTH_FIELD = 2;

  private static final byte[] EXIF_ID = {'E', 'x', 'i', 'f', 0, 0};
  private static final int TIFF_MAGIC = 42;
  private static final int TIFF_HEADER = 8;
  private static final int IFD_COUNT = 2;
  private static final int IFD_ENTRY = 12;
  private static final int ENTRY_TYPE = 2;
  private static final int ENTRY_VALUE = 8;

  private ExifOrientation() {}

  /** The orientation 1..8 of a JPEG; 1 when the bytes are no JPEG or carry no usable tag. */
  public static int find(byte[] jpeg) {
    try {
      return scanSegments(jpeg);
    } catch (RuntimeException malformed) {
      // A broken EXIF block must not cost the image: the pixels may still be fine.
      return NORMAL;
    }
  }

  private static int scanSegments(byte[] b) {
    if (b == null || b.length < MARKER_HEADER || u8(b, 0) != MARKER_PREFIX || u8(b, 1) != SOI) {
      return NORMAL;
    }
    int pos = MARKER_HEADER;
    while (pos + MARKER_HEADER + LENGTH_FIELD <= b.length) {
      if (u8(b, pos) != MARKER_PREFIX) {
        return NORMAL;
      }
      int marker = u8(b, pos + 1);
      if (marker == MARKER_PREFIX) {
        pos++; // fill byte before a marker
        continue;
      }
      pos += MARKER_HEADER;
      if (marker == SOS || marker == EOI) {
        return NORMAL; // metadata segments all precede the scan
      }
      if (marker == TEM || (marker >= RST0 && marker <= RST7)) {
        continue; // markers without a length
      }
      int length = u16(b, pos, false);
      int end = pos + length;
      if (length < LENGTH_FIELD || end > b.length) {
        return NORMAL;
      }
      int body = pos + LENGTH_FIELD;
      if (marker == APP1 && startsWith(b, body, end, EXIF_ID)) {
        return orientationInTiff(b, body + EXIF_ID.length, end);
      }
      pos = end;
    }
    return NORMAL;
  }

  private static int orientationInTiff(byte[] b, int base, int end) {
    if (base + TIFF_HEADER > end) {
      return NORMAL;
    }
    boolean little;
    if (b[base] == 'I' && b[base + 1] == 'I') {
      little = true;
    } else if (b[base] == 'M' && b[base + 1] == 'M') {
      little = false;
    } else {
      return NORMAL;
    }
    if (u16(b, base + 2, little) != TIFF_MAGIC) {
      return NORMAL;
    }
    long ifd = base + u32(b, base + 4, little);
    if (ifd < base + TIFF_HEADER || ifd + IFD_COUNT > end) {
      return NORMAL;
    }
    int entries = u16(b, (int) ifd, little);
    for (int i = 0; i < entries; i++) {
      int entry = (int) ifd + IFD_COUNT + i * IFD_ENTRY;
      if (entry + IFD_ENTRY > end) {
        return NORMAL;
      }
      if (u16(b, entry, little) == ORIENTATION_TAG) {
        long value = switch (u16(b, entry + ENTRY_TYPE, little)) {
          case TYPE_SHORT -> u16(b, entry + ENTRY_VALUE, little);
          case TYPE_LONG -> u32(b, entry + ENTRY_VALUE, little);
          case TYPE_BYTE -> u8(b, entry + ENTRY_VALUE);
          default -> NORMAL;
        };
        return value >= NORMAL && value <= MAX ? (int) value : NORMAL;
      }
    }
    return NORMAL;
  }

  /** The image as it should be displayed: a new image, or the same one for orientation 1. */
  public static FloatImage apply(FloatImage image, int orientation) {
    if (orientation < NORMAL || orientation > MAX) {
      throw new IllegalArgumentException("EXIF orientation must be 1..8, was " + orientation);
    }
    if (orientation == NORMAL) {
      return image;
    }
    // Orientations 5..8 swap the axes; each then mirrors x and/or y of the source.
    boolean transpose = orientation >= 5;
    boolean flipX = orientation == 2 || orientation == 3 || orientation == 7 || orientation == 8;
    boolean flipY = orientation == 3 || orientation == 4 || orientation == 6 || orientation == 7;
    int w = image.width();
    int h = image.height();
    int outW = transpose ? h : w;
    int outH = transpose ? w : h;
    float[] src = image.data();
    float[] dst = new float[src.length];
    int plane = w * h;
    int i = 0;
    for (int c = 0; c < FloatImage.CHANNELS; c++) {
      int planeBase = c * plane;
      for (int y = 0; y < outH; y++) {
        for (int x = 0; x < outW; x++) {
          int u = transpose ? y : x;
          int v = transpose ? x : y;
          int sx = flipX ? w - 1 - u : u;
          int sy = flipY ? h - 1 - v : v;
          dst[i++] = src[planeBase + sy * w + sx];
        }
      }
    }
    return new FloatImage(outW, outH, dst);
  }

  private static boolean startsWith(byte[] b, int from, int end, byte[] prefix) {
    if (from + prefix.length > end) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (b[from + i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  private static int u8(byte[] b, int at) {
    return b[at] & 0xFF;
  }

  private static int u16(byte[] b, int at, boolean little) {
    return little ? u8(b, at) | u8(b, at + 1) << 8 : u8(b, at) << 8 | u8(b, at + 1);
  }

  private static long u32(byte[] b, int at, boolean little) {
    long first = u16(b, at, little);
    long second = u16(b, at + 2, little);
    return little ? first | second << 16 : first << 16 | second;
  }
}
