package dev.p2g.spark;

import dev.p2g.io.HadoopFiles;
import java.io.IOException;
import java.util.Iterator;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Before a re-run encodes anything: (uri, key, done_sha256) rows of images that already have a
 * field for the model in, the (uri, key) of those whose bytes no longer hash to done_sha256 out.
 * Hashing reads each file once, far cheaper than encoding it; a file that cannot be read counts
 * as changed, so encode meets the problem again and records it.
 */
public final class ChangedSources implements MapPartitionsFunction<Row, Row> {
  public static final StructType INPUT = new StructType()
      .add("uri", DataTypes.StringType, false)
      .add("key", DataTypes.StringType, false)
      .add("done_sha256", DataTypes.StringType, false);

  private final Broadcast<SerializableHadoopConf> conf;
  private final long maxFileBytes;

  public ChangedSources(Broadcast<SerializableHadoopConf> conf, long maxFileBytes) {
    this.conf = conf;
    this.maxFileBytes = maxFileBytes;
  }

  @Override
  public Iterator<Row> call(Iterator<Row> input) {
    Configuration hadoop = conf.value().get();
    return new LazyFlatMap<>(input, row -> {
      String uri = row.getString(0);
      try {
        if (HadoopFiles.sha256Hex(HadoopFiles.read(uri, hadoop, maxFileBytes)).equals(row.getString(2))) {
          return List.of();
        }
      } catch (IOException | RuntimeException e) {
        // changed as far as this stage can tell: encode reads it again and records what is wrong
      }
      return List.of(RowFactory.create(uri, row.getString(1)));
    });
  }
}
