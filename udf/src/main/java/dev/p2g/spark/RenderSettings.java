package dev.p2g.spark;

import dev.p2g.io.OutputLayout;
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
 */
public record RenderSettings(List<Scale> scales, OutputFormat format, OutputLayout layout, DevicePolicy device,
    int batch, Timestamp runStarted) implements Serializable {}
