package dev.p2g.spark;

import dev.p2g.devices.TaskEncoders;
import dev.p2g.encode.FieldEncoder;
import dev.p2g.encode.ImageDecoder;
import dev.p2g.encode.ModelLoadException;
import dev.p2g.encode.ModelSession;
import dev.p2g.field.ImageFailure;
import dev.p2g.io.Device;
import dev.p2g.io.SourceStat;
import dev.p2g.render.DeviceUnavailableException;
import dev.p2g.sources.SourceReader;
import dev.p2g.tables.ErrorRecord;
import dev.p2g.tables.FieldRow;
import dev.p2g.tables.FieldTable;
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
  public static final String PART = "part";
  public static final String PARTS = "parts";
  /**
   * The rows this stage's tasks take: listed images, each whole (part null) or one part of parts
   * of a large image (LargeImageParts). INPUT rows are taken too, as whole images.
   */
  public static final StructType WORK = LargeImageParts.withParts(INPUT);

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
        group -> group.size() == 1 && !group.get(0).whole() ? tileRows(group.get(0), listed, encoder[0].device())
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
      List<FieldEncoder.Tiles> tiles = List.of(encoder[0].start(key, uri, bytes, part(row), parts(row)));
      counters.busyNanos().add(System.nanoTime() - started);
      return tiles;
    } catch (ImageFailure f) {
      failed(new ErrorRecord(key, uri, ErrorRecord.ENCODE, null, f.errorClass(), f.getMessage()), part(row),
          parts(row), true);
      return List.of();
    } catch (ModelUnusable | DeviceUnavailableException e) {
      throw e; // the model or the device, not the image: the task and the job fail
    } catch (RuntimeException e) {
      failed(internalError(key, uri, e, ""), part(row), parts(row), true);
      return List.of();
    }
  }

  /** The row's part of a large image, 0 for a whole image (WORK rows, or INPUT rows that have no part column). */
  private static int part(Row row) {
    return row.schema().getFieldIndex(PART).isDefined() && !row.isNullAt(row.fieldIndex(PART))
        ? row.<Integer>getAs(PART) : 0;
  }

  private static int parts(Row row) {
    return row.schema().getFieldIndex(PARTS).isDefined() && !row.isNullAt(row.fieldIndex(PARTS))
        ? row.<Integer>getAs(PARTS) : 1;
  }

  /**
   * An image failed, or a part of one: a whole image is counted and gets its errors/ row; a part
   * reports its outcome for the driver to count once per image, and the row is written by part 0
   * for what every part meets the same way (the file cannot be read or decoded: wholeImage), by
   * the part itself for its own tiles.
   */
  private void failed(ErrorRecord error, int part, int parts, boolean wholeImage) {
    if (parts <= 1) {
      counters.fail(error);
      return;
    }
    if (part == 0 || !wholeImage) {
      counters.errors().add(error);
    }
    counters.parts().add(new StageAccumulators.PartOutcome(error.key(), part, parts, false));
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
      images.forEach(t -> counters.fail(internalError(t.key(), t.sourceUri(), e, "")));
      images.forEach(t -> listed.remove(t.key()));
      return rows.iterator();
    }
    for (FieldEncoder.Outcome o : outcomes) {
      Listed source = listed.remove(o.image().key());
      if (o.record() != null) {
        rows.add(FieldTable.toRow(new FieldRow(o.record(), source.stat(), settings.runStarted(), encoder.device(),
            source.attributes())));
        counters.written().add(1);
      } else {
        counters.fail(new ErrorRecord(o.image().key(), o.image().sourceUri(), ErrorRecord.ENCODE, null,
            o.failure().errorClass(), o.failure().getMessage()));
      }
    }
    counters.busyNanos().add(System.nanoTime() - started);
    return rows.iterator();
  }

  /**
   * A tiled image's rows (or a part's), made tile by tile (a model run's worth at a time) as
   * Spark's writer takes them. A part's tiles count toward the progress of large images as they
   * are made; its outcome is told once its tiles are done (or one failed).
   */
  private Iterator<Row> tileRows(FieldEncoder.Tiles tiles, Map<String, Listed> listed, Device device) {
    String key = tiles.key();
    String uri = tiles.sourceUri();
    Listed source = listed.remove(key);
    return new Iterator<>() {
      private Row ahead;
      private boolean failed;
      private boolean told;

      @Override
      public boolean hasNext() {
        if (ahead == null && !failed && tiles.hasNext()) {
          int tile = tiles.nextTile();
          String where = " (tile " + (tile + 1) + " of " + tiles.tiles() + ")";
          long tileStarted = System.nanoTime();
          try {
            ahead = FieldTable.toRow(new FieldRow(tiles.next(), source.stat(), settings.runStarted(), device,
                source.attributes()));
            counters.busyNanos().add(System.nanoTime() - tileStarted);
            if (tiles.part()) {
              counters.largePixelsDone().add(tiles.tilePixels(tile));
            }
          } catch (ImageFailure f) {
            failed = true;
            failed(new ErrorRecord(key, uri, ErrorRecord.ENCODE, null, f.errorClass(), f.getMessage() + where),
                tiles.partIndex(), tiles.parts(), false);
          } catch (ModelUnusable e) {
            throw e;
          } catch (RuntimeException e) {
            failed = true;
            failed(internalError(key, uri, e, where), tiles.partIndex(), tiles.parts(), false);
          }
        }
        if (ahead == null && !failed && !tiles.hasNext() && !told) { // every tile made: the image (or part) is done
          told = true;
          if (tiles.part()) {
            counters.parts().add(new StageAccumulators.PartOutcome(key, tiles.partIndex(), tiles.parts(), true));
          } else {
            counters.written().add(1);
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

  /** A bug met by one image must not cost the other million: it is recorded with its class. */
  private static ErrorRecord internalError(String key, String uri, RuntimeException e, String where) {
    return new ErrorRecord(key, uri, ErrorRecord.ENCODE, null, "internal." + e.getClass().getSimpleName(),
        String.valueOf(e.getMessage()) + where);
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
