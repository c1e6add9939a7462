package dev.p2g.spark;

import dev.p2g.field.ImageFailure;
import dev.p2g.io.HadoopFiles;
import dev.p2g.sources.SourceReader;
import dev.p2g.sources.TableImages;
import dev.p2g.tables.FieldTable;
import java.sql.Timestamp;
import java.util.Iterator;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.util.LongAccumulator;
import org.apache.spark.util.SerializableConfiguration;

/**
 * Hashes the sources a re-run cannot call unchanged from their listing alone (their size,
 * modification time or ETag differ from what their field recorded, or the field predates those
 * columns, or --verify-sources): listed images (EncodePartition.INPUT) in, their rows of the
 * source-check table (SourceChecks.SCHEMA) out. A file that cannot be read gets no hash: it
 * counts as changed, so encode meets the problem again and records it.
 */
public final class HashSources implements MapPartitionsFunction<Row, Row> {
  private final Broadcast<SerializableConfiguration> conf;
  private final long maxFileBytes;
  private final Timestamp checkedAt;
  private final LongAccumulator bytesRead;
  private final TableImages table;

  /** table: where the images of Parquet input tables are; null for other inputs. */
  public HashSources(Broadcast<SerializableConfiguration> conf, long maxFileBytes, Timestamp checkedAt,
      LongAccumulator bytesRead, TableImages table) {
    this.conf = conf;
    this.table = table;
    this.maxFileBytes = maxFileBytes;
    this.checkedAt = checkedAt;
    this.bytesRead = bytesRead;
  }

  @Override
  public Iterator<Row> call(Iterator<Row> input) {
    Configuration hadoop = conf.value().value();
    SourceReader sources = new SourceReader(hadoop, maxFileBytes, table);
    TaskContext task = TaskContext.get();
    if (task != null) {
      task.addTaskCompletionListener((TaskContext t) -> sources.close());
    }
    return new LazyFlatMap<>(input, row -> {
      String sha = null;
      try {
        byte[] bytes = sources.read(row.getAs("uri"), row.getAs("container"), row.getAs("position"),
            row.<Long>getAs(FieldTable.SOURCE_SIZE));
        bytesRead.add(bytes.length);
        sha = HadoopFiles.sha256Hex(bytes);
      } catch (ImageFailure | RuntimeException e) {
        // changed as far as this stage can tell: encode reads it again and records what is wrong
      }
      return List.of(RowFactory.create(row.getAs("key"), row.getAs("uri"), row.getAs(FieldTable.SOURCE_SIZE),
          row.getAs(FieldTable.SOURCE_MODIFIED), row.getAs(FieldTable.SOURCE_ETAG), sha, checkedAt));
    });
  }
}
