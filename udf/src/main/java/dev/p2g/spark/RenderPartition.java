package dev.p2g.spark;

import dev.p2g.devices.TaskRenderers;
import dev.p2g.field.Degradation;
import dev.p2g.field.FieldRecord;
import dev.p2g.field.GaussianField;
import dev.p2g.render.GpuUnusableException;
import dev.p2g.render.ImageEncoding;
import dev.p2g.render.Renderer;
import dev.p2g.render.SampleGrid;
import dev.p2g.render.Scale;
import dev.p2g.tables.FieldRow;
import dev.p2g.tables.FieldTable;
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
      Degradation degradation = Degradation.parse(FieldTable.optional(row, FieldTable.DEGRADATION));
      long most = 0;
      for (Scale s : settings.scales()) {
        most = Math.max(most, SampleGrid.of(w, h, s, degradation).samples());
      }
      return most;
    } catch (RuntimeException e) {
      return 1; // an unreadable row fails on its own in renderBatch
    }
  }

  List<Row> renderBatch(Renderer renderer, LevelWriter writer, List<Row> rows) {
    Batch batch = decode(writer, rows);
    List<Row> out = new ArrayList<>(batch.records.size() * settings.scales().size());
    for (Scale scale : settings.scales()) {
      renderLevel(renderer, writer, batch.notDone(scale.level(), counters), scale, out);
    }
    return out;
  }

  /** A batch's readable rows, decoded; an unreadable one fails at every level here. */
  private Batch decode(LevelWriter writer, List<Row> rows) {
    Batch batch = new Batch(rows.size());
    for (Row row : rows) {
      try {
        FieldRow whole = FieldTable.rowOf(row);
        GaussianField field = whole.field().decodeField();
        int at = row.fieldIndex(DONE);
        batch.add(whole.field(), field, whole.attributes(),
            row.isNullAt(at) ? Set.of() : Set.copyOf(row.<String>getList(at)));
      } catch (RuntimeException e) {
        String key = row.getString(row.fieldIndex("key"));
        for (Scale s : settings.scales()) {
          writer.fail(new LevelWriter.Image(key, null, null, null), s, "render.field",
              "unreadable field row: " + e.getMessage());
        }
      }
    }
    return batch;
  }

  /** One level of a batch: rendered together where the renderer can, else one by one; rows written into out. */
  private void renderLevel(Renderer renderer, LevelWriter writer, Batch todo, Scale scale, List<Row> out) {
    List<BufferedImage> images = null;
    double batchMs = 0;
    if (todo.records.size() > 1) {
      try {
        long start = System.nanoTime();
        images = renderer.renderAll(todo.fields, scale).stream().map(ImageEncoding::toRgb8).toList();
        batchMs = (System.nanoTime() - start) / NANOS_PER_MS / todo.records.size();
      } catch (GpuUnusableException e) {
        throw e; // the GPU, not a field: the task fails and Spark runs it again
      } catch (RuntimeException e) {
        images = null; // render one by one, so that the error lands on the field that caused it
      }
    }
    for (int i = 0; i < todo.records.size(); i++) {
      FieldRecord record = todo.records.get(i);
      LevelWriter.Image image = new LevelWriter.Image(record.key(), record.sourceUri(), record.sourceSha256(),
          record.modelId(), todo.attributes.get(i));
      BufferedImage pixels;
      double renderMs;
      try {
        if (images != null) {
          pixels = images.get(i);
          renderMs = batchMs;
        } else {
          long start = System.nanoTime();
          pixels = renderer.renderRgb8(todo.fields.get(i), scale);
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

  /** Decoded rows of a batch, side by side, with the levels each has done already. */
  private static final class Batch {
    final List<FieldRecord> records;
    final List<GaussianField> fields;
    final List<Map<String, String>> attributes;
    final List<Set<String>> done;

    Batch(int size) {
      records = new ArrayList<>(size);
      fields = new ArrayList<>(size);
      attributes = new ArrayList<>(size);
      done = new ArrayList<>(size);
    }

    void add(FieldRecord record, GaussianField field, Map<String, String> attrs, Set<String> levelsDone) {
      records.add(record);
      fields.add(field);
      attributes.add(attrs);
      done.add(levelsDone);
    }

    /** The rows without this level, each skipped one counted. */
    Batch notDone(String level, StageAccumulators counters) {
      Batch todo = new Batch(records.size());
      for (int i = 0; i < records.size(); i++) {
        if (done.get(i).contains(level)) {
          counters.skipped().add(1);
        } else {
          todo.add(records.get(i), fields.get(i), attributes.get(i), Set.of());
        }
      }
      return todo;
    }
  }
}
