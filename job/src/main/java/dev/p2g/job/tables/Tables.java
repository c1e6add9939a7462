package dev.p2g.job.tables;

import dev.p2g.job.common.SystemicException;
import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/** What every table's owner asks of the store. */
public final class Tables {
  private Tables() {}

  /** Whether the table's folder is there (a first run has none yet). */
  public static boolean exists(String uri, Configuration hadoop) throws SystemicException {
    try {
      Path root = new Path(uri);
      return root.getFileSystem(hadoop).exists(root);
    } catch (IOException e) {
      throw new SystemicException("cannot read " + uri + ": " + e.getMessage(), e);
    }
  }
}
