package dev.p2g.bench;

import dev.p2g.render.PngRowWriter;
import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * Writes an N x N RGB PNG of waves, a checkerboard and noise, row by row (no image in memory),
 * for the large-image memory check (bin/large-image-check); with a width and a height and a
 * .jpg name, a JPEG of them (in memory: for photo-sized files, such as issue 29's 4000 x 3000).
 *
 * <pre>bin/bench dev.p2g.bench.LargeImageFile 8192 /tmp/big/in/big.png
 * bin/bench dev.p2g.bench.LargeImageFile 4000 3000 /tmp/photo/in/photo.jpg</pre>
 */
public final class LargeImageFile {
  private LargeImageFile() {}

  public static void main(String[] args) throws Exception {
    int w = Integer.parseInt(args[0]);
    int h = args.length > 2 ? Integer.parseInt(args[1]) : w;
    Path file = Path.of(args[args.length - 1]);
    Files.createDirectories(file.toAbsolutePath().getParent());
    Random noise = new Random(1);
    byte[] row = new byte[3 * w];
    boolean jpeg = file.getFileName().toString().endsWith(".jpg");
    java.awt.image.BufferedImage image = jpeg ? new java.awt.image.BufferedImage(w, h,
        java.awt.image.BufferedImage.TYPE_3BYTE_BGR) : null;
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20);
        PngRowWriter png = jpeg ? null : new PngRowWriter(out, w, h)) {
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          row[3 * x] = (byte) (127 + 120 * Math.sin(x / 37.0) * Math.cos(y / 53.0));
          row[3 * x + 1] = (byte) (x * 255L / w);
          row[3 * x + 2] = (byte) (((x / 64 + y / 64) % 2 == 0 ? 200 : 40) + noise.nextInt(16));
        }
        if (jpeg) {
          image.getRaster().setDataElements(0, y, w, 1, bgr(row));
        } else {
          png.row(row);
        }
      }
      if (jpeg) {
        javax.imageio.ImageIO.write(image, "jpg", out);
      }
    }
    System.out.println("wrote " + file + ": " + w + "x" + h + ", " + Files.size(file) + " bytes");
  }

  /** RGB samples as the BGR bytes of a TYPE_3BYTE_BGR raster. */
  private static byte[] bgr(byte[] rgb) {
    byte[] out = new byte[rgb.length];
    for (int i = 0; i < rgb.length; i += 3) {
      out[i] = rgb[i + 2];
      out[i + 1] = rgb[i + 1];
      out[i + 2] = rgb[i];
    }
    return out;
  }
}
