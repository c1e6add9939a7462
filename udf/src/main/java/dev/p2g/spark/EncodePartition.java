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
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.util.CollectionAccumulator;

/**
 * Stage 1 as Spark calls it: (uri, key) rows in, fields/ rows out. Image-level failures go to
 * the errors accumulator (merged once per successful task, since this runs in the result stage
 * of the write); a model that cannot be used fails the task, and so the job.
 */
public final class EncodePartition implements MapPartitionsFunction<Row, Row> {
  private final EncodeSettings settings;
  private final Broadcast<SerializableHadoopConf> conf;
  private final CollectionAccumulator<ErrorRecord> errors;

  public EncodePartition(EncodeSettings settings, Broadcast<SerializableHadoopConf> conf,
      CollectionAccumulator<ErrorRecord> errors) {
    this.settings = settings;
    this.conf = conf;
    this.errors = errors;
  }

  @Override
  public Iterator<Row> call(Iterator<Row> input) throws ModelLoadException {
    if (!input.hasNext()) {
      return input; // an empty partition need not load the model
    }
    Configuration hadoop = conf.value().get();
    FieldEncoder encoder = new FieldEncoder(
        new ImageDecoder(settings.maxPixels(), AlphaPolicy.parse(settings.alphaPolicy())),
        TaskEncoders.session(settings.model(), settings.device(), hadoop),
        FieldCodecs.byName(settings.codec()));
    return new LazyFlatMap<>(input, row -> encodeOne(encoder, hadoop, row.getString(0), row.getString(1)));
  }

  private List<Row> encodeOne(FieldEncoder encoder, Configuration hadoop, String uri, String key) {
    try {
      byte[] bytes = read(uri, hadoop);
      return List.of(FieldTable.toRow(encoder.encode(key, uri, bytes)));
    } catch (ImageFailure f) {
      errors.add(new ErrorRecord(key, uri, ErrorRecord.ENCODE, null, f.errorClass(), f.getMessage()));
    } catch (RuntimeException e) {
      // A bug met by one image must not cost the other million; it is recorded with its class.
      errors.add(new ErrorRecord(key, uri, ErrorRecord.ENCODE, null, "internal." + e.getClass().getSimpleName(),
          String.valueOf(e.getMessage())));
    }
    return List.of();
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
}
