package dev.p2g.job.serve;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;

/**
 * An IIIF Image API 3.0 image request, {identifier}/{region}/{size}/{rotation}/{quality}.{format}
 * after the server's prefix, as this server supports it: compliance level 1 (regions full,
 * square, x,y,w,h, pct:; sizes max, w,, ,h, pct:n, w,h, !w,h; rotation 0; qualities default and
 * color; png and jpg) plus sizeUpscaling (^). What the specification names but this server does
 * not do is 501, what it does not name is 400 (IiifException).
 *
 * <p>The identifier is the image's key, percent-encoded in the path ('/' as %2F): the path is
 * split on '/' before it is decoded, and the key is only ever looked up in the index of fields/,
 * never made into a path.
 */
public record ImageRequest(String identifier, Region region, SizeRequest size, String quality, String format) {
  private static final Set<String> OTHER_QUALITIES = Set.of("gray", "bitonal");
  private static final Set<String> OTHER_FORMATS = Set.of("tif", "gif", "pdf", "jp2", "webp");
  private static final int MAX_IDENTIFIER_BYTES = 4096;
  private static final String[] PARTS = {"identifier", "region", "size", "rotation", "quality.format"};

  /** The request of a path after the prefix (still percent-encoded), e.g. "a%2Fb.jpg/full/max/0/default.png". */
  public static ImageRequest parse(String path) {
    String[] parts = path.split("/", -1);
    if (parts.length != 5) {
      throw IiifException.badRequest("expected {identifier}/{region}/{size}/{rotation}/{quality}.{format}");
    }
    String identifier = decodeIdentifier(parts[0]);
    for (int i = 1; i < parts.length; i++) {
      // a client may percent-encode any character; '^' it must (the JDK's server refuses it raw)
      parts[i] = decode(parts[i], PARTS[i]);
    }
    Region region = Region.parse(parts[1]);
    SizeRequest size = SizeRequest.parse(parts[2]);
    checkRotation(parts[3]);
    int dot = parts[4].lastIndexOf('.');
    if (dot < 0) {
      throw IiifException.badRequest("'" + parts[4] + "': expected {quality}.{format}");
    }
    String quality = parts[4].substring(0, dot);
    String format = parts[4].substring(dot + 1);
    if (!quality.equals("default") && !quality.equals("color")) {
      throw OTHER_QUALITIES.contains(quality) ? IiifException.notImplemented("quality " + quality + " is not supported")
          : IiifException.badRequest("unknown quality '" + quality + "'");
    }
    if (!format.equals("png") && !format.equals("jpg")) {
      throw OTHER_FORMATS.contains(format) ? IiifException.notImplemented("format " + format + " is not supported")
          : IiifException.badRequest("unknown format '" + format + "'");
    }
    return new ImageRequest(identifier, region, size, quality, format);
  }

  /** The key in an identifier path segment: strict UTF-8 percent-decoding, '+' kept as it is. */
  public static String decodeIdentifier(String segment) {
    return decode(segment, "identifier");
  }

  /** A path segment (what names it in errors) decoded as an identifier is. */
  private static String decode(String segment, String what) {
    if (segment.isEmpty() || segment.length() > 3 * MAX_IDENTIFIER_BYTES) {
      throw IiifException.badRequest(what + " empty or too long");
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(segment.length());
    for (int i = 0; i < segment.length(); i++) {
      char c = segment.charAt(i);
      if (c == '%') {
        int hi = i + 2 < segment.length() ? Character.digit(segment.charAt(i + 1), 16) : -1;
        int lo = hi >= 0 ? Character.digit(segment.charAt(i + 2), 16) : -1;
        if (lo < 0) {
          throw IiifException.badRequest(what + ": a % not followed by two hex digits");
        }
        bytes.write(hi << 4 | lo);
        i += 2;
      } else if (c < 0x21 || c > 0x7e) {
        throw IiifException.badRequest(what + ": characters outside printable ASCII must be percent-encoded");
      } else {
        bytes.write(c);
      }
    }
    try {
      String key = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
      if (key.chars().anyMatch(Character::isISOControl)) {
        throw IiifException.badRequest(what + ": control characters");
      }
      return key;
    } catch (CharacterCodingException e) {
      throw IiifException.badRequest(what + ": not UTF-8 once decoded");
    }
  }

  /** The identifier segment of a key: every byte of its UTF-8 but unreserved ones (RFC 3986) percent-encoded. */
  public static String encodeIdentifier(String key) {
    StringBuilder out = new StringBuilder(key.length() + 16);
    for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_'
          || c == '~') {
        out.append(c);
      } else {
        out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
      }
    }
    return out.toString();
  }

  /** Rotation 0 is served; a mirror or any other angle of 0-360 is valid but not implemented. */
  private static void checkRotation(String text) {
    boolean mirror = text.startsWith("!");
    double degrees = Numbers.decimal(mirror ? text.substring(1) : text, "rotation");
    if (degrees > 360) {
      throw IiifException.badRequest("rotation " + text + ": expected 0 to 360");
    }
    if (mirror || degrees != 0) {
      throw IiifException.notImplemented(String.format(Locale.ROOT, "rotation %s is not supported (only 0)", text));
    }
  }
}
