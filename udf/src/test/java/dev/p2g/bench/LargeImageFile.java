package dev.p2g.bench;

import dev.p2g.render.PngRowWriter;
import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * Writes an N x N RGB PNG of waves, a checkerboard and noise, row by row (no image in memory),
 * for the large-image memory check (bin/large-image-check).
 *
 * <pre>bin/bench dev.p2g.bench.LargeImageFile 8192 /tmp/big/in/big.png</pre>
 */
public final class LargeImageFile {
  private LargeImageFile() {}

  public static void main(String[] args) throws Exception {
    int n = Integer.parseInt(args[0]);
    Path file = Path.of(args[1]);
    Files.createDirectories(file.toAbsolutePath().getParent());
    Random noise = new Random(1);
    byte[] row = new byte[3 * n];
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20);
        PngRowWriter png = new PngRowWriter(out, n, n)) {
      for (int y = 0; y < n; y++) {
        for (int x = 0; x < n; x++) {
          row[3 * x] = (byte) (127 + 120 * Math.sin(x / 37.0) * Math.cos(y / 53.0));
          row[3 * x + 1] = (byte) (x * 255L / n);
          row[3 * x + 2] = (byte) (((x / 64 + y / 64) % 2 == 0 ? 200 : 40) + noise.nextInt(16));
        }
        png.row(row);
      }
    }
    System.out.println("wrote " + file + ": " + n + "x" + n + ", " + Files.size(file) + " bytes");
  }
}
