package dev.p2g.encode;

import com.twelvemonkeys.imageio.metadata.Entry;
import com.twelvemonkeys.imageio.metadata.jpeg.JPEG;
import com.twelvemonkeys.imageio.metadata.jpeg.JPEGSegment;
import com.twelvemonkeys.imageio.metadata.jpeg.JPEGSegmentUtil;
import com.twelvemonkeys.imageio.metadata.tiff.TIFF;
import com.twelvemonkeys.imageio.metadata.tiff.TIFFReader;
import dev.p2g.field.FloatImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Reads the EXIF orientation of a JPEG from its bytes (TwelveMonkeys' metadata reader: the APP1
 * "Exif" segment's TIFF directory) and turns an image upright accordingly.
 */
public final class ExifOrientation {
  public static final int NORMAL = 1;
  public static final int MAX = 8;

  private ExifOrientation() {}

  /** The orientation 1..8 of a JPEG; 1 when the bytes are no JPEG or carry no usable tag. */
  public static int find(byte[] jpeg) {
    if (jpeg == null || jpeg.length < 2) {
      return NORMAL;
    }
    try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(jpeg))) {
      for (JPEGSegment exif : JPEGSegmentUtil.readSegments(in, JPEG.APP1, "Exif")) {
        InputStream data = exif.data();
        if (data.read() < 0) { // the pad byte after "Exif\0"
          continue;
        }
        try (ImageInputStream tiff = new MemoryCacheImageInputStream(data)) {
          Entry tag = new TIFFReader().read(tiff).getEntryById(TIFF.TAG_ORIENTATION);
          if (tag != null && tag.getValue() instanceof Number n && n.intValue() >= NORMAL && n.intValue() <= MAX) {
            return n.intValue();
          }
        }
      }
    } catch (IOException | RuntimeException malformed) {
      // A broken EXIF block must not cost the image: the pixels may still be fine.
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
}
