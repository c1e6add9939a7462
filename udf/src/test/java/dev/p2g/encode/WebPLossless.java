package dev.p2g.encode;

import java.io.ByteArrayOutputStream;

/**
 * A minimal lossless WebP (VP8L) writer, since ImageIO can only read WebP: no transforms, no colour
 * cache, one prefix-code group in which every literal has an 8-bit code. Big files, exact pixels.
 * Bit layout from the WebP Lossless Bitstream Specification (RFC 9649).
 */
final class WebPLossless {
  private static final int SIGNATURE = 0x2F;
  private static final int LITERALS = 256;
  private static final int LENGTH_PREFIXES = 24;
  private static final int LITERAL_BITS = 8;
  /** The order in which code-length-code lengths are stored; symbols 0 and 8 are the 3rd and 12th. */
  private static final int[] CODE_LENGTH_ORDER = {17, 18, 0, 1, 2, 3, 4, 5, 16, 6, 7, 8};

  private WebPLossless() {}

  /** Encodes packed ARGB pixels, row by row, as a WebP file; alphaUsed is the header's hint only. */
  static byte[] encode(int width, int height, int[] argb, boolean alphaUsed) {
    return riff(bitstream(width, height, argb, alphaUsed));
  }

  /** The VP8L chunk's payload. */
  static byte[] bitstream(int width, int height, int[] argb, boolean alphaUsed) {
    Bits bits = new Bits();
    bits.write(SIGNATURE, 8);
    bits.write(width - 1, 14);
    bits.write(height - 1, 14);
    bits.write(alphaUsed ? 1 : 0, 1);
    bits.write(0, 3); // version
    bits.write(0, 1); // no transform
    bits.write(0, 1); // no colour cache
    bits.write(0, 1); // no meta prefix codes: one group for the whole image
    everyLiteralEightBits(bits, LITERALS + LENGTH_PREFIXES); // green + backward-reference lengths
    everyLiteralEightBits(bits, LITERALS); // red
    everyLiteralEightBits(bits, LITERALS); // blue
    everyLiteralEightBits(bits, LITERALS); // alpha
    // distance: a "simple" code of one symbol, which takes no bits and is never used
    bits.write(1, 1);
    bits.write(0, 1);
    bits.write(0, 1);
    bits.write(0, 1);
    for (int p : argb) {
      literal(bits, p >>> 8 & 0xFF);
      literal(bits, p >>> 16 & 0xFF);
      literal(bits, p & 0xFF);
      literal(bits, p >>> 24);
    }
    return bits.bytes();
  }

  /**
   * A "normal" prefix code whose first 256 symbols have length 8 and the rest length 0. The code
   * lengths themselves are coded with a two-symbol code: 0 -> bit 0, 8 -> bit 1.
   */
  private static void everyLiteralEightBits(Bits bits, int alphabet) {
    bits.write(0, 1); // normal, not simple
    bits.write(CODE_LENGTH_ORDER.length - 4, 4);
    for (int symbol : CODE_LENGTH_ORDER) {
      bits.write(symbol == 0 || symbol == LITERAL_BITS ? 1 : 0, 3);
    }
    bits.write(0, 1); // max_symbol not given: one length per symbol of the alphabet
    for (int s = 0; s < alphabet; s++) {
      bits.write(s < LITERALS ? 1 : 0, 1);
    }
  }

  /** With 256 codes of length 8, the canonical code of v is v; codes are stored from their top bit. */
  private static void literal(Bits bits, int v) {
    for (int i = LITERAL_BITS - 1; i >= 0; i--) {
      bits.write(v >> i & 1, 1);
    }
  }

  /** A WebP file of one VP8L chunk, padded to an even length as RIFF requires. */
  static byte[] riff(byte[] vp8l) {
    int padded = vp8l.length + (vp8l.length & 1);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(TestImages.ascii("RIFF"));
    le32(out, 4 + 8 + padded);
    out.writeBytes(TestImages.ascii("WEBPVP8L"));
    le32(out, vp8l.length);
    out.writeBytes(vp8l);
    if (padded != vp8l.length) {
      out.write(0);
    }
    return out.toByteArray();
  }

  private static void le32(ByteArrayOutputStream out, int v) {
    for (int i = 0; i < 4; i++) {
      out.write(v >>> (8 * i));
    }
  }

  /** Packs values least significant bit first, as VP8L reads them. */
  private static final class Bits {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private int current;
    private int used;

    void write(int value, int count) {
      for (int i = 0; i < count; i++) {
        current |= (value >> i & 1) << used;
        if (++used == 8) {
          out.write(current);
          current = 0;
          used = 0;
        }
      }
    }

    byte[] bytes() {
      if (used > 0) {
        out.write(current);
        current = 0;
        used = 0;
      }
      return out.toByteArray();
    }
  }
}
