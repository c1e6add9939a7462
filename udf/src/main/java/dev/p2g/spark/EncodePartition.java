package dev.p2g.spark;

import dev.p2g.encode.FieldEncoder;
import dev.p2g.encode.ImageDecoder;
import dev.p2g.encode.ModelLoadException;
import dev.p2g.encode.ModelSession;
import dev.p2g.field.ImageFailure;
import dev.p2g.io.HadoopFiles;
import dev.p2g.io.SourceStat;
import dev.p2g.render.DeviceUnavailableException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.SerializableConfiguration;

/**
 * Stage 1 as Spark calls it: listed images (uri, key and what the listing said of the file) in,
 * fields/ rows out. Image-level failures go to the
 * errors accumulator; a model that cannot be used fails the task, and so the job.
 */
public final class EncodePartition implements MapPartitionsFunction<Row, Row> {
  /** The rows this stage takes. */
  public static final StructType INPUT = new StructType()
      .add("uri", DataTypes.StringType, false)
      .add("key", DataTypes.StringType, false)
      .add(FieldTable.SOURCE_SIZE, DataTypes.LongType, false)
      .add(FieldTable.SOURCE_MODIFIED, DataTypes.LongType, false)
      .add(FieldTable.SOURCE_ETAG, DataTypes.StringType, true)
      // a packed image's container and position (PackedSources); null for a file
      .add("container", DataTypes.StringType, true)
      .add("position", DataTypes.LongType, true)
      .add(FieldTable.ATTRIBUTES, FieldTable.ATTRIBUTES_TYPE, true);

  private final EncodeSettings settings;
  private final Broadcast<SerializableConfiguration> conf;
  private final StageAccumulators counters;

  public EncodePartition(EncodeSettings settings, Broadcast<SerializableConfiguration> conf,
      StageAccumulators counters) {
    this.settings = settings;
    this.conf = conf;
    this.counters = counters;
  }

  @Override
  public Iterator<Row> call(Iterator<Row> input) {
    Configuration hadoop = conf.value().value();
    SourceReader sources = new SourceReader(hadoop, settings.maxFileBytes(), settings.table());
    TaskContext task = TaskContext.get();
    if (task != null) {
      task.addTaskCompletionListener((TaskContext t) -> sources.close());
    }
    FieldEncoder[] encoder = {null};
    // what the listing said of each image in flight, for its rows: a few batches' worth at most
    Map<String, Listed> listed = new HashMap<>();
    Iterator<FieldEncoder.Tiles> decoded = new LazyFlatMap<>(input, row -> {
      String key = row.getAs("key");
      int attributes = row.fieldIndex(FieldTable.ATTRIBUTES);
      listed.put(key, new Listed(new SourceStat(row.getAs(FieldTable.SOURCE_SIZE),
          row.getAs(FieldTable.SOURCE_MODIFIED), row.getAs(FieldTable.SOURCE_ETAG)),
          row.isNullAt(attributes) ? null : row.getJavaMap(attributes)));
      List<FieldEncoder.Tiles> tiles = start(encoder, hadoop, sources, row, key);
      if (tiles.isEmpty()) {
        listed.remove(key);
      }
      return tiles;
    });
    // The encoder exists by the time an image is grouped: start() opened it.
    Iterator<List<FieldEncoder.Tiles>> groups = new SameSizeGroups(decoded, () -> encoder[0].batch());
    return LazyFlatMap.streaming(groups,
        group -> group.size() == 1 && group.get(0).count() > 1 ? tileRows(group.get(0), listed, encoder[0].device())
            : wholeRows(encoder[0], group, listed));
  }

  /** Reads and decodes one image: its tiles to encode, or nothing (its error recorded). */
  private List<FieldEncoder.Tiles> start(FieldEncoder[] encoder, Configuration hadoop, SourceReader sources, Row row,
      String key) {
    long started = System.nanoTime();
    String uri = row.getAs("uri");
    try {
      byte[] bytes = sources.read(uri, row.getAs("container"), row.getAs("position"),
          row.<Long>getAs(FieldTable.SOURCE_SIZE));
      counters.sourceBytes().add(bytes.length);
      if (encoder[0] == null) { // an empty partition need not load the model
        encoder[0] = openEncoder(hadoop);
        counters.devices().add(encoder[0].device());
      }
      List<FieldEncoder.Tiles> tiles = List.of(encoder[0].start(key, uri, bytes));
      counters.busyNanos().add(System.nanoTime() - started);
      return tiles;
    } catch (ImageFailure f) {
      counters.fail(new ErrorRecord(key, uri, ErrorRecord.ENCODE, null, f.errorClass(), f.getMessage()));
      return List.of();
    } catch (ModelUnusable | DeviceUnavailableException e) {
      throw e; // the model or the device, not the image: the task and the job fail
    } catch (RuntimeException e) {
      internalError(key, uri, e, "");
      return List.of();
    }
  }

  /** Whole images of one size, in one model run: their rows, or their errors. */
  private Iterator<Row> wholeRows(FieldEncoder encoder, List<FieldEncoder.Tiles> images,
      Map<String, Listed> listed) {
    long started = System.nanoTime();
    List<Row> rows = new ArrayList<>(images.size());
    List<FieldEncoder.Outcome> outcomes;
    try {
      outcomes = encoder.encodeTogether(images);
    } catch (ModelUnusable e) {
      throw e;
    } catch (RuntimeException e) {
      images.forEach(t -> internalError(t.key(), t.sourceUri(), e, ""));
      images.forEach(t -> listed.remove(t.key()));
      return rows.iterator();
    }
    for (FieldEncoder.Outcome o : outcomes) {
      Listed source = listed.remove(o.image().key());
      if (o.record() != null) {
        rows.add(FieldTable.toRow(o.record(), source.stat(), settings.runStarted(), encoder.device(),
            source.attributes()));
        counters.written().add(1);
      } else {
        counters.fail(new ErrorRecord(o.image().key(), o.image().sourceUri(), ErrorRecord.ENCODE, null,
            o.failure().errorClass(), o.failure().getMessage()));
      }
    }
    counters.busyNanos().add(System.nanoTime() - started);
    return rows.iterator();
  }

  /** A tiled image's rows, made tile by tile (a model run's worth at a time) as Spark's writer takes them. */
  private Iterator<Row> tileRows(FieldEncoder.Tiles tiles, Map<String, Listed> listed, String device) {
    String key = tiles.key();
    String uri = tiles.sourceUri();
    Listed source = listed.remove(key);
    return new Iterator<>() {
      private Row ahead;
      private boolean failed;
      private int index;

      @Override
      public boolean hasNext() {
        if (ahead == null && !failed && tiles.hasNext()) {
          String where = tiles.count() > 1 ? " (tile " + (++index) + " of " + tiles.count() + ")" : "";
          long tileStarted = System.nanoTime();
          try {
            ahead = FieldTable.toRow(tiles.next(), source.stat(), settings.runStarted(), device, source.attributes());
            counters.busyNanos().add(System.nanoTime() - tileStarted);
            if (!tiles.hasNext()) {
              counters.written().add(1); // the image is complete
            }
          } catch (ImageFailure f) {
            failed = true;
            counters.fail(new ErrorRecord(key, uri, ErrorRecord.ENCODE, null, f.errorClass(),
                f.getMessage() + where));
          } catch (ModelUnusable e) {
            throw e;
          } catch (RuntimeException e) {
            failed = true;
            internalError(key, uri, e, where);
          }
        }
        return ahead != null;
      }

      @Override
      public Row next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        Row row = ahead;
        ahead = null;
        return row;
      }
    };
  }

  private void internalError(String key, String uri, RuntimeException e, String where) {
    // A bug met by one image must not cost the other million; it is recorded with its class.
    counters.fail(new ErrorRecord(key, uri, ErrorRecord.ENCODE, null,
        "internal." + e.getClass().getSimpleName(), String.valueOf(e.getMessage()) + where));
  }

  private FieldEncoder openEncoder(Configuration hadoop) {
    try {
      ModelSession session = TaskEncoders.session(settings.model(), settings.device(), hadoop);
      return new FieldEncoder(
          new ImageDecoder(settings.maxPixels(), settings.alphaPolicy()),
          session, settings.codec(), settings.tile(), settings.batchFor(session.device()));
    } catch (ModelLoadException e) {
      throw new ModelUnusable(e);
    }
  }

  /** What the listing said of an image in flight: its source, and the values it carries (or null). */
  private record Listed(SourceStat stat, Map<String, String> attributes) {}

  /** The model failed to load inside a task: not an image's fault, so it must fail the task. */
  static final class ModelUnusable extends RuntimeException {
    ModelUnusable(ModelLoadException cause) {
      super(cause.getMessage(), cause);
    }
  }
}
