package dev.p2g.spark;

import dev.p2g.io.HadoopFiles;
import dev.p2g.render.GpuUnusableException;
import dev.p2g.render.ImageEncoding;
import dev.p2g.render.OutputFormat;
import dev.p2g.render.PngRowWriter;
import dev.p2g.render.Scale;
import dev.p2g.render.TiledRender;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.IOException;
import java.io.OutputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;

/**
 * Writes the pyramid levels of a render task, whole images and tiled ones alike: the file's path
 * (OutputLayout), its encoding and write, the manifest row of a level written, and the errors/
 * row and count of one that failed. A failure is never thrown: it becomes that image's error row
 * at that level, and the task goes on.
 */
public final class LevelWriter {
  /** 32 M pixels: 96 MB as 8-bit RGB, the most a streamed (tiled) level is held whole for a JPEG encoder. */
  public static final long MAX_WHOLE_PIXELS = 32L << 20;
  private static final double NANOS_PER_MS = 1e6;

  /** The image a level is written for, as the manifest and errors/ name it. */
  public record Image(String key, String sourceUri, String sourceSha256, String modelId) {}

  /** Renders a level row by row, top to bottom, into a sink (a tiled image's TiledRender). */
  public interface Rows {
    void render(TiledRender.RowSink sink) throws IOException;
  }

  private final RenderSettings settings;
  private final Configuration hadoop;
  private final String device;
  private final StageAccumulators counters;

  public LevelWriter(RenderSettings settings, Configuration hadoop, String device, StageAccumulators counters) {
    this.settings = settings;
    this.hadoop = hadoop;
    this.device = device;
    this.counters = counters;
  }

  /**
   * Writes a level rendered whole, renderMs after it was rendered; the manifest row, or null when
   * it failed (render.write for the file, internal.* for anything else).
   */
  public Row writeImage(Image image, Scale scale, BufferedImage pixels, double renderMs) {
    try {
      byte[] bytes = ImageEncoding.encode(pixels, settings.format());
      String path = path(image, scale);
      HadoopFiles.write(path, bytes, hadoop);
      return written(image, scale, path, pixels.getWidth(), pixels.getHeight(), bytes.length, renderMs);
    } catch (IOException e) {
      fail(image, scale, "render.write", "cannot write the rendered image: " + e);
    } catch (RuntimeException e) {
      fail(image, scale, "internal." + e.getClass().getSimpleName(), String.valueOf(e.getMessage()));
    }
    return null;
  }

  /**
   * Writes a level of width x height rendered row by row: a PNG as it renders, another format
   * held whole (at most MAX_WHOLE_PIXELS). The manifest row (render_ms: render and write), or
   * null when it failed (render.write, render.too-large, or render.tiles for what the rendering
   * threw).
   */
  public Row writeRows(Image image, Scale scale, int width, int height, Rows rows) {
    long start = System.nanoTime();
    try {
      String path = path(image, scale);
      long bytes = settings.format() == OutputFormat.PNG
          ? streamPng(path, width, height, rows)
          : writeWhole(path, width, height, rows);
      return written(image, scale, path, width, height, bytes, (System.nanoTime() - start) / NANOS_PER_MS);
    } catch (IOException e) {
      fail(image, scale, "render.write", "cannot write the rendered image: " + e);
    } catch (TooLarge e) {
      fail(image, scale, "render.too-large", e.getMessage());
    } catch (GpuUnusableException e) {
      throw e; // the GPU is gone for every later image too: the task must fail and be retried
    } catch (RuntimeException e) {
      fail(image, scale, "render.tiles", String.valueOf(e.getMessage()));
    }
    return null;
  }

  /** An image failed at a level before it could be written: its errors/ row and count. */
  public void fail(Image image, Scale scale, String errorClass, String message) {
    counters.fail(new ErrorRecord(image.key(), image.sourceUri(), ErrorRecord.RENDER, scale.level(), errorClass,
        message));
  }

  private String path(Image image, Scale scale) {
    return settings.layout().pyramidFile(scale.level(), image.key(), settings.format().extension());
  }

  private Row written(Image image, Scale scale, String path, int width, int height, long bytes, double renderMs) {
    counters.written().add(1);
    return new ManifestRecord(image.key(), scale, path, width, height, settings.format().extension(), bytes, renderMs,
        device, image.sourceSha256(), image.modelId(), settings.runStarted()).toRow();
  }

  private long streamPng(String path, int width, int height, Rows rows) throws IOException {
    Path p = new Path(path);
    FileSystem fs = p.getFileSystem(hadoop);
    try (OutputStream stream = fs.create(p, true);
        PngRowWriter png = new PngRowWriter(stream, width, height)) {
      rows.render(png);
    }
    return fs.getFileStatus(p).getLen();
  }

  private long writeWhole(String path, int width, int height, Rows rows) throws IOException {
    if ((long) width * height > MAX_WHOLE_PIXELS) {
      throw new TooLarge(settings.format().extension() + " output " + width + "x" + height + " is over "
          + MAX_WHOLE_PIXELS + " pixels, the most encoded whole; use --format png, written as it renders");
    }
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
    byte[] bgr = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
    int[] next = {0};
    rows.render(rgb -> {
      int base = next[0]++ * 3 * width;
      for (int i = 0; i < rgb.length; i += 3) {
        bgr[base + i] = rgb[i + 2];
        bgr[base + i + 1] = rgb[i + 1];
        bgr[base + i + 2] = rgb[i];
      }
    });
    byte[] bytes = ImageEncoding.encode(image, settings.format());
    HadoopFiles.write(path, bytes, hadoop);
    return bytes.length;
  }

  /** An output this stage will not make, by a documented limit. */
  private static final class TooLarge extends RuntimeException {
    TooLarge(String message) {
      super(message);
    }
  }
}
