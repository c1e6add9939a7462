package dev.p2g.spark;

import dev.p2g.io.Device;
import dev.p2g.pyramid.ImageSink;
import dev.p2g.pyramid.OutputTooLarge;
import dev.p2g.pyramid.ShardBroken;
import dev.p2g.render.GpuUnusableException;
import dev.p2g.render.ImageEncoding;
import dev.p2g.render.OutputFormat;
import dev.p2g.render.PngRowWriter;
import dev.p2g.render.Scale;
import dev.p2g.render.TiledRender;
import dev.p2g.tables.ErrorRecord;
import dev.p2g.tables.ManifestRecord;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.IOException;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;

/**
 * Writes the pyramid levels of a render task, whole images and tiled ones alike: the encoding,
 * the write through the task's ImageSink (a file per image, or shards, by --pyramid-layout), the
 * manifest row of a level written, and the errors/ row and count of one that failed. An image's
 * failure is never thrown: it becomes that image's error row at that level, and the task goes
 * on. What fails the task instead: an unusable GPU and a broken shard (ShardBroken), which
 * would fail every later image too. finish() must run when the task's input is done.
 */
public final class LevelWriter {
  /** 32 M pixels: 96 MB as 8-bit RGB, the most a streamed (tiled) level is held whole for a JPEG encoder. */
  public static final long MAX_WHOLE_PIXELS = 32L << 20;
  private static final double NANOS_PER_MS = 1e6;

  /**
   * The image a level is written for, as the manifest and errors/ name it; attributes: what it
   * carries from its source table (--keep-columns), or null.
   */
  public record Image(String key, String sourceUri, String sourceSha256, String modelId,
      Map<String, String> attributes) {
    public Image(String key, String sourceUri, String sourceSha256, String modelId) {
      this(key, sourceUri, sourceSha256, modelId, null);
    }
  }

  /** Renders a level row by row, top to bottom, into a sink (a tiled image's TiledRender). */
  public interface Rows {
    void render(TiledRender.RowSink sink) throws IOException;
  }

  private final RenderSettings settings;
  private final Device device;
  private final StageAccumulators counters;
  private final ImageSink sink;

  public LevelWriter(RenderSettings settings, Configuration hadoop, Device device, StageAccumulators counters) {
    this.settings = settings;
    this.device = device;
    this.counters = counters;
    this.sink = TaskSinks.open(settings, hadoop);
  }

  /**
   * The task's images are all written: open shards are closed and given their final names,
   * before the task's manifest rows leave it. Throws ShardBroken when that fails.
   */
  public void finish() {
    try {
      sink.close();
    } catch (IOException e) {
      throw new ShardBroken("cannot finish the pyramid output: " + e, e);
    }
  }

  /**
   * Writes a level rendered whole, renderMs after it was rendered; the manifest row, or null when
   * it failed (render.write for the file, internal.* for anything else).
   */
  public Row writeImage(Image image, Scale scale, BufferedImage pixels, double renderMs) {
    try {
      byte[] bytes = ImageEncoding.encode(pixels, settings.format());
      ImageSink.Placement placed = sink.put(entry(image, scale, pixels.getWidth(), pixels.getHeight()), bytes);
      return written(image, scale, placed, pixels.getWidth(), pixels.getHeight(), renderMs);
    } catch (IOException e) {
      fail(image, scale, "render.write", "cannot write the rendered image: " + e);
    } catch (ShardBroken e) {
      throw e; // the shard holds images already recorded: the task fails and Spark runs it again
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
      ImageSink.Entry entry = entry(image, scale, width, height);
      ImageSink.Placement placed = settings.format() == OutputFormat.PNG
          ? sink.stream(entry, out -> streamPng(out, width, height, rows))
          : sink.put(entry, encodeWhole(width, height, rows));
      return written(image, scale, placed, width, height, (System.nanoTime() - start) / NANOS_PER_MS);
    } catch (IOException e) {
      fail(image, scale, "render.write", "cannot write the rendered image: " + e);
    } catch (OutputTooLarge e) {
      fail(image, scale, "render.too-large", e.getMessage());
    } catch (GpuUnusableException | ShardBroken e) {
      throw e; // the GPU is gone, or a shard is cut short, for every later image too: the task must be retried
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

  private ImageSink.Entry entry(Image image, Scale scale, int width, int height) {
    return new ImageSink.Entry(image.key(), scale.level(), settings.format().extension(), width, height,
        image.sourceUri(), image.modelId(), image.attributes());
  }

  private Row written(Image image, Scale scale, ImageSink.Placement placed, int width, int height,
      double renderMs) {
    counters.written().add(1);
    return new ManifestRecord(image.key(), scale, placed.path(), width, height, settings.format().extension(),
        placed.bytes(), renderMs, device, image.sourceSha256(), image.modelId(), settings.runStarted(),
        placed.member(), placed.rowIndex(), image.attributes()).toRow();
  }

  private static void streamPng(java.io.OutputStream out, int width, int height, Rows rows) throws IOException {
    try (PngRowWriter png = new PngRowWriter(out, width, height)) {
      rows.render(png);
    }
  }

  private byte[] encodeWhole(int width, int height, Rows rows) throws IOException {
    if ((long) width * height > MAX_WHOLE_PIXELS) {
      throw new OutputTooLarge(settings.format().extension() + " output " + width + "x" + height + " is over "
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
    return ImageEncoding.encode(image, settings.format());
  }
}
