package dev.p2g.spark;

import dev.p2g.devices.TaskRenderers;
import dev.p2g.field.FieldRecord;
import dev.p2g.field.GaussianField;
import dev.p2g.render.GpuUnusableException;
import dev.p2g.render.ImageEncoding;
import dev.p2g.render.Renderer;
import dev.p2g.render.SampleGrid;
import dev.p2g.render.Scale;
import dev.p2g.tables.FieldTable;
import dev.p2g.tables.ManifestRecord;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.util.SerializableConfiguration;

/**
 * Stage 2 as Spark calls it: fields/ rows in, each with the levels the manifest already holds for
 * it (the DONE column, null for none: those are skipped), one manifest row out per image and scale
 * written to pyramid/.
 * A field or scale that fails becomes an errors/ row; the others still render.
 * Fields are rendered in batches (one on the CPU by default, many per GPU launch); a batch that
 * fails is rendered again one field at a time, so its error lands on the field that caused it.
 */
public final class RenderPartition implements MapPartitionsFunction<Row, Row> {
  private static final double NANOS_PER_MS = 1e6;
  /** The column of levels already done, beside the fields/ columns. */
  public static final String DONE = "done";
  /**
   * At most this many output pixels or samples (at the largest level; a level below scale 1
   * samples its LR pixels, SampleGrid) in one batch: 32 M pixels are 384 MB of float RGB, on the
   * host and on the GPU. A larger single image is still rendered alone; a tiled image's bands
   * on the GPU (StripRender) are sampled in chunks of at most this many.
   */
  static final long MAX_BATCH_OUTPUT_PIXELS = 32L << 20;

  private final RenderSettings settings;
  private final Broadcast<SerializableConfiguration> conf;
  private final StageAccumulators counters;

  public RenderPartition(RenderSettings settings, Broadcast<SerializableConfiguration> conf,
      StageAccumulators counters) {
    this.settings = settings;
    this.conf = conf;
    this.counters = counters;
  }

  @Override
  public Iterator<Row> call(Iterator<Row> input) {
    Renderer renderer = TaskRenderers.open(settings.device());
    counters.devices().add(renderer.device());
    LevelWriter writer = new LevelWriter(settings, conf.value().value(), renderer.device(), counters);
    int batch = settings.batch() > 0 ? settings.batch() : renderer.preferredBatch();
    return new OnExhausted<>(new LazyFlatMap<>(new Batches<>(input, batch, MAX_BATCH_OUTPUT_PIXELS,
        this::outputPixels), rows -> {
          long started = System.nanoTime();
          List<Row> out = renderBatch(renderer, writer, rows);
          counters.busyNanos().add(System.nanoTime() - started);
          return out;
        }), writer::finish);
  }

  /** The largest output or sample grid of a field row, to bound what a batch holds at once. */
  private long outputPixels(Row row) {
    try {
      int w = row.getInt(row.fieldIndex("width"));
      int h = row.getInt(row.fieldIndex("height"));
      long most = 0;
      for (Scale s : settings.scales()) {
        most = Math.max(most, SampleGrid.of(w, h, s).samples());
      }
      return most;
    } catch (RuntimeException e) {
      return 1; // an unreadable row fails on its own in renderBatch
    }
  }

  List<Row> renderBatch(Renderer renderer, LevelWriter writer, List<Row> rows) {
    List<FieldRecord> records = new ArrayList<>(rows.size());
    List<Map<String, String>> attributes = new ArrayList<>(rows.size());
    List<GaussianField> fields = new ArrayList<>(rows.size());
    List<Set<String>> done = new ArrayList<>(rows.size());
    for (Row row : rows) {
      try {
        FieldRecord record = FieldTable.fromRow(row);
        fields.add(record.decodeField());
        records.add(record);
        attributes.add(ManifestRecord.attributes(row));
        int at = row.fieldIndex(DONE);
        done.add(row.isNullAt(at) ? Set.of() : Set.copyOf(row.<String>getList(at)));
      } catch (RuntimeException e) {
        String key = row.getString(row.fieldIndex("key"));
        for (Scale s : settings.scales()) {
          writer.fail(new LevelWriter.Image(key, null, null, null), s, "render.field",
              "unreadable field row: " + e.getMessage());
        }
      }
    }
    List<Row> out = new ArrayList<>(records.size() * settings.scales().size());
    for (Scale scale : settings.scales()) {
      List<FieldRecord> todo = new ArrayList<>(records.size());
      List<GaussianField> todoFields = new ArrayList<>(records.size());
      List<Map<String, String>> todoAttributes = new ArrayList<>(records.size());
      for (int i = 0; i < records.size(); i++) {
        if (done.get(i).contains(scale.level())) {
          counters.skipped().add(1);
        } else {
          todo.add(records.get(i));
          todoFields.add(fields.get(i));
          todoAttributes.add(attributes.get(i));
        }
      }
      List<BufferedImage> images = null;
      double batchMs = 0;
      if (todo.size() > 1) {
        try {
          long start = System.nanoTime();
          images = renderer.renderAll(todoFields, scale).stream().map(ImageEncoding::toRgb8).toList();
          batchMs = (System.nanoTime() - start) / NANOS_PER_MS / todo.size();
        } catch (GpuUnusableException e) {
          throw e; // the GPU, not a field: the task fails and Spark runs it again
        } catch (RuntimeException e) {
          images = null; // render one by one, so that the error lands on the field that caused it
        }
      }
      for (int i = 0; i < todo.size(); i++) {
        FieldRecord record = todo.get(i);
        LevelWriter.Image image = new LevelWriter.Image(record.key(), record.sourceUri(), record.sourceSha256(),
            record.modelId(), todoAttributes.get(i));
        BufferedImage pixels;
        double renderMs;
        try {
          if (images != null) {
            pixels = images.get(i);
            renderMs = batchMs;
          } else {
            long start = System.nanoTime();
            pixels = renderer.renderRgb8(todoFields.get(i), scale);
            renderMs = (System.nanoTime() - start) / NANOS_PER_MS;
          }
        } catch (GpuUnusableException e) {
          throw e;
        } catch (RuntimeException e) {
          writer.fail(image, scale, "internal." + e.getClass().getSimpleName(), String.valueOf(e.getMessage()));
          continue;
        }
        Row written = writer.writeImage(image, scale, pixels, renderMs);
        if (written != null) {
          out.add(written);
        }
      }
    }
    return out;
  }
}
