package dev.p2g.job;

import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * What a killed run leaves in a table folder. Spark's file commit protocol stages task output in
 * _temporary/ and moves it into place when the job commits; a job that never committed leaves
 * _temporary/ behind, and the next job's commit would merge the finished tasks found there,
 * doubling their rows. It is removed before a run writes (one run per output folder at a time).
 */
final class Leftovers {
  static final String SPARK_STAGING = "_temporary";

  private Leftovers() {}

  /** True when uncommitted output of an earlier run was removed. */
  static boolean clear(String tableUri, Configuration conf) throws SystemicException {
    Path staging = new Path(tableUri, SPARK_STAGING);
    try {
      FileSystem fs = staging.getFileSystem(conf);
      return fs.exists(staging) && fs.delete(staging, true);
    } catch (IOException e) {
      throw new SystemicException("cannot remove " + staging + " left by an earlier run: " + e.getMessage(), e);
    }
  }
}
