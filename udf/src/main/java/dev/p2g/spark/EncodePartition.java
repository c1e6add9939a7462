package dev.p2g.spark;

import dev.p2g.encode.AlphaPolicy;
import dev.p2g.encode.FieldEncoder;
import dev.p2g.encode.ImageDecoder;
import dev.p2g.encode.ModelLoadException;
import dev.p2g.field.FieldCodecs;
import dev.p2g.field.ImageFailure;
import dev.p2g.io.HadoopFiles;
import java.io.IOException;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Stage 1 as Spark calls it: (uri, key) rows in, fields/ rows out. Image-level failures go to the
 * errors accumulator; a model that cannot be used fails the task, and so the job.
 */
public final class EncodePartition implements MapPartitionsFunction<Row, Row> {
  /** The rows this stage takes. */
  public static final StructType INPUT = new StructType()
      .add("uri", DataTypes.StringType, false)
      .add("key", DataTypes.StringType, false);

  private final EncodeSettings settings;
  private final Broadcast<SerializableHadoopConf> conf;
  private final StageAccumulators counters;

  public EncodePartition(EncodeSettings settings, Broadcast<SerializableHadoopConf> conf,
      StageAccumulators counters) {
    this.settings = settings;
    this.conf = conf;
    this.counters = counters;
  }

  @Override
  public Iterator<Row> call(Iterator<Row> input) {
    Configuration hadoop = conf.value().get();
    FieldEncoder[] encoder = {null};
    return LazyFlatMap.streaming(input, row -> encodeOne(encoder, hadoop, row.getString(0), row.getString(1)));
  }

  /** One image's rows, made tile by tile as Spark's writer takes them. */
  private Iterator<Row> encodeOne(FieldEncoder[] encoder, Configuration hadoop, String uri, String key) {
    FieldEncoder.Tiles tiles;
    long started = System.nanoTime();
    try {
      byte[] bytes = read(uri, hadoop);
      if (encoder[0] == null) { // an empty partition need not load the model
        encoder[0] = openEncoder(hadoop);
      }
      tiles = encoder[0].start(key, uri, bytes);
      counters.busyNanos().add(System.nanoTime() - started);
    } catch (ImageFailure f) {
      counters.errors().add(new ErrorRecord(key, uri, ErrorRecord.ENCODE, null, f.errorClass(), f.getMessage()));
      return java.util.Collections.emptyIterator();
    } catch (ModelUnusable e) {
      throw e; // the model, not the image: the task and the job fail
    } catch (RuntimeException e) {
      internalError(key, uri, e, "");
      return java.util.Collections.emptyIterator();
    }
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
            ahead = FieldTable.toRow(tiles.next(), settings.runStarted());
            counters.busyNanos().add(System.nanoTime() - tileStarted);
            if (!tiles.hasNext()) {
              counters.written().add(1); // the image is complete
            }
          } catch (ImageFailure f) {
            failed = true;
            counters.errors().add(new ErrorRecord(key, uri, ErrorRecord.ENCODE, null, f.errorClass(),
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
    counters.errors().add(new ErrorRecord(key, uri, ErrorRecord.ENCODE, null,
        "internal." + e.getClass().getSimpleName(), String.valueOf(e.getMessage()) + where));
  }

  private FieldEncoder openEncoder(Configuration hadoop) {
    try {
      return new FieldEncoder(
          new ImageDecoder(settings.maxPixels(), AlphaPolicy.parse(settings.alphaPolicy())),
          TaskEncoders.session(settings.model(), settings.device(), hadoop),
          FieldCodecs.byName(settings.codec()), settings.tile());
    } catch (ModelLoadException e) {
      throw new ModelUnusable(e);
    }
  }

  private byte[] read(String uri, Configuration hadoop) throws ImageFailure {
    try {
      return HadoopFiles.read(uri, hadoop, settings.maxFileBytes());
    } catch (HadoopFiles.FileTooLargeException e) {
      throw new ImageFailure("read.too-large", e.getMessage(), e);
    } catch (IOException e) {
      throw new ImageFailure("read.io", "cannot read the file: " + e, e);
    }
  }

  /** The model failed to load inside a task: not an image's fault, so it must fail the task. */
  static final class ModelUnusable extends RuntimeException {
    ModelUnusable(ModelLoadException cause) {
      super(cause.getMessage(), cause);
    }
  }
}
