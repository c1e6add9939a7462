package dev.p2g.spark;

import dev.p2g.encode.ModelRef;
import java.io.Serializable;
import java.sql.Timestamp;

/**
 * What every encode task needs, resolved on the driver. model is validated on the CPU; each task
 * moves it to its GPU under the --device policy (TaskEncoders). tile is the largest side encoded
 * in one model run (larger images are tiled); runStarted stamps the rows.
 */
public record EncodeSettings(ModelRef model, long maxPixels, long maxFileBytes, String alphaPolicy, String codec,
    String device, int tile, Timestamp runStarted) implements Serializable {}
