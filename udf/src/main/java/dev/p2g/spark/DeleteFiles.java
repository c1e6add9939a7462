package dev.p2g.spark;

import java.io.IOException;
import java.util.Iterator;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.function.ForeachPartitionFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.util.SerializableConfiguration;

/** Deletes the files whose URIs a Dataset's first column holds, on the executors: however many there are. */
public final class DeleteFiles implements ForeachPartitionFunction<Row> {
  private final Broadcast<SerializableConfiguration> conf;

  public DeleteFiles(Broadcast<SerializableConfiguration> conf) {
    this.conf = conf;
  }

  @Override
  public void call(Iterator<Row> rows) throws IOException {
    Configuration hadoop = conf.value().value();
    while (rows.hasNext()) {
      Path p = new Path(rows.next().<String>getAs("path"));
      p.getFileSystem(hadoop).delete(p, false); // false when already gone: a retried task finds it so
    }
  }
}
