package dev.p2g.job;

import static org.apache.spark.sql.functions.col;

import dev.p2g.spark.ErrorRecord;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * errors/, one folder per stage (errors/stage=encode/). A stage run replaces the rows it is
 * responsible for and keeps the others: an encode run replaces all encode rows; a render run
 * replaces the render rows of the levels it rendered. Error rows are few by design (they arrive
 * on the driver through an accumulator), so the merge happens on the driver.
 */
final class ErrorLog {
  private ErrorLog() {}

  static void write(SparkSession spark, String errorsUri, String stage, Set<String> levelsRedone,
      Collection<ErrorRecord> fresh, Configuration conf) throws SystemicException {
    Path dir = new Path(errorsUri, ErrorRecord.STAGE + "=" + stage);
    try {
      List<Row> rows = new ArrayList<>();
      FileSystem fs = dir.getFileSystem(conf);
      if (fs.exists(dir) && levelsRedone != null) {
        for (Row r : spark.read().schema(ErrorRecord.SCHEMA).parquet(errorsUri)
            .filter(col(ErrorRecord.STAGE).equalTo(stage)).collectAsList()) {
          if (!levelsRedone.contains(r.getString(r.fieldIndex("level")))) {
            rows.add(ErrorRecord.fromRow(r).toRow());
          }
        }
      }
      for (ErrorRecord e : fresh) {
        rows.add(e.toRow());
      }
      fs.delete(dir, true);
      spark.createDataFrame(rows, ErrorRecord.SCHEMA).coalesce(1)
          .write().mode(SaveMode.Append).partitionBy(ErrorRecord.STAGE).parquet(errorsUri);
    } catch (IOException e) {
      throw new SystemicException("cannot write " + dir + ": " + e.getMessage(), e);
    }
  }
}
