package dev.p2g.spark;

import dev.p2g.encode.AlphaPolicy;
import dev.p2g.encode.ModelRef;
import dev.p2g.field.FieldCodec;
import dev.p2g.io.Device;
import dev.p2g.render.DevicePolicy;
import dev.p2g.sources.TableImages;
import java.io.Serializable;
import java.sql.Timestamp;

/**
 * What every encode task needs, resolved on the driver. model is validated on the CPU; each task
 * moves it to its GPU under the --device policy (TaskEncoders). tile is the largest side encoded
 * in one model run (larger images are tiled); batch the most same-sized model inputs per run, 0
 * for the device's default; runStarted stamps the rows; table where the images of Parquet input
 * tables are (null for other inputs).
 */
public record EncodeSettings(ModelRef model, long maxPixels, long maxFileBytes, AlphaPolicy alphaPolicy, FieldCodec codec,
    DevicePolicy device, int tile, int batch, Timestamp runStarted, TableImages table) implements Serializable {

  /**
   * One input per run on the CPU, where batching measured no gain (docs/benchmarks.md, "Encoder
   * batching"); 8 on a GPU, where one small input per run leaves most of the device idle.
   */
  public static final int DEFAULT_CPU_BATCH = 1;
  public static final int DEFAULT_GPU_BATCH = 8;

  /** The batch for a session on a device. */
  public int batchFor(Device sessionDevice) {
    if (batch > 0) {
      return batch;
    }
    return sessionDevice.isCpu() ? DEFAULT_CPU_BATCH : DEFAULT_GPU_BATCH;
  }
}
