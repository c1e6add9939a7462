package dev.p2g.spark;

import dev.p2g.io.OutputLayout;
import dev.p2g.pyramid.PyramidLayout;
import dev.p2g.render.DevicePolicy;
import dev.p2g.render.OutputFormat;
import dev.p2g.render.Scale;
import java.io.Serializable;
import java.sql.Timestamp;
import java.util.List;

/**
 * What every render task needs, resolved on the driver. device is the --device policy (auto, cpu
 * or cuda); each task turns it into a renderer with TaskRenderers. batch is the number of fields
 * rendered together (0: what the renderer prefers, one on the CPU). runStarted stamps the rows.
 * pyramid is how images are stored (--pyramid-layout), shardSize the images per shard of the
 * sharded layouts (--shard-size).
 */
public record RenderSettings(List<Scale> scales, OutputFormat format, OutputLayout layout, DevicePolicy device,
    int batch, Timestamp runStarted, PyramidLayout pyramid, int shardSize) implements Serializable {
  /** --shard-size's default: 1,000 images, as WebDataset's own writers default to. */
  public static final int DEFAULT_SHARD_SIZE = 1000;

  /** One file per image (the files layout). */
  public RenderSettings(List<Scale> scales, OutputFormat format, OutputLayout layout, DevicePolicy device, int batch,
      Timestamp runStarted) {
    this(scales, format, layout, device, batch, runStarted, PyramidLayout.FILES, DEFAULT_SHARD_SIZE);
  }
}
