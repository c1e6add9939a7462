package dev.p2g.spark;

import dev.p2g.encode.ModelRef;
import java.io.Serializable;

/** What every encode task needs, resolved on the driver. */
public record EncodeSettings(ModelRef model, long maxPixels, long maxFileBytes, String alphaPolicy, String codec)
    implements Serializable {}
