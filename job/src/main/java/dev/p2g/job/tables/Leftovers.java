package dev.p2g.job.tables;

import dev.p2g.job.common.SystemicException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.s3a.S3AFileSystem;

/**
 * What a killed run leaves in a table folder. Spark's file commit protocol stages task output in
 * _temporary/ and moves it into place when the job commits; a job that never committed leaves
 * _temporary/ behind, and the next job's commit would merge the finished tasks found there,
 * doubling their rows. On s3a:// the S3A committers (CloudCommitProtocol) stage instead in
 * __magic_job-* folders (magic) and as multipart uploads that only job commit completes: a killed
 * job leaves the folder and its uploads pending, invisible but stored (and billed) until aborted.
 * All of it is removed before a run writes (one run per output folder at a time).
 */
public final class Leftovers {
  /** Set in the session's Hadoop settings for a store found not to list pending uploads (its bucket after it). */
  public static final String REFUSED_PREFIX = "p2g.s3a.uploadListingRefused.";
  /** Hadoop's switch for the S3A committers' listing and aborting of pending uploads in job clean-up. */
  public static final String ABORT_PENDING_UPLOADS = "fs.s3a.committer.abort.pending.uploads";
  static final String SPARK_STAGING = "_temporary";
  /**
   * The magic committer's staging folders: per job (CommitConstants.MAGIC_PATH_PREFIX,
   * __magic_job-*) since Hadoop 3.4, one __magic folder (CommitConstants.MAGIC) in Hadoop 3.3.
   */
  static final String MAGIC_STAGING = "__magic*";

  private Leftovers() {}

  /** True when uncommitted output of an earlier run was removed (for tests: a store's refusal is not told). */
  public static boolean clear(String tableUri, Configuration conf) throws SystemicException {
    return clear(tableUri, conf, refusal -> { });
  }

  /**
   * True when uncommitted output of an earlier run was removed. notices hears, in a p2g: line,
   * what a store that leaves an optional call out (501 Not Implemented) made the run skip.
   */
  public static boolean clear(String tableUri, Configuration conf, Consumer<String> notices)
      throws SystemicException {
    Path table = new Path(tableUri);
    try {
      FileSystem fs = table.getFileSystem(conf);
      List<Path> staging = new ArrayList<>(List.of(new Path(table, SPARK_STAGING)));
      FileStatus[] magic = fs.globStatus(new Path(table, MAGIC_STAGING));
      for (FileStatus s : magic == null ? new FileStatus[0] : magic) {
        staging.add(s.getPath());
      }
      boolean removed = false;
      for (Path p : staging) {
        removed |= fs.exists(p) && fs.delete(p, true);
      }
      if (fs instanceof S3AFileSystem s3) {
        if (conf.getBoolean(REFUSED_PREFIX + table.toUri().getAuthority(), false)) {
          notices.accept(refusal(table)); // asked once this run already
        } else {
          Boolean aborted = abortUploads(s3, table);
          if (aborted == null) {
            notices.accept(refusal(table));
            remember(conf, table);
          }
          removed |= Boolean.TRUE.equals(aborted);
        }
      }
      return removed;
    } catch (IOException e) {
      throw new SystemicException("cannot remove the uncommitted output an earlier run left in " + tableUri + ": "
          + e.getMessage(), e);
    }
  }

  /**
   * Multipart uploads under the table that no commit will complete: this run has written nothing yet.
   * Through WriteOperationHelper, whose signature names no AWS SDK type in either hadoop-aws (3.5 on
   * SDK v2, 3.3 on SDK v1).
   */
  private static Boolean abortUploads(S3AFileSystem s3, Path table) throws IOException {
    String key = s3.pathToKey(s3.makeQualified(table));
    try {
      return s3.getWriteOperationHelper().abortMultipartUploadsUnderPath(key.endsWith("/") ? key : key + "/") > 0;
    } catch (IOException | RuntimeException e) {
      if (!StoreRefusal.notImplemented(e)) {
        throw e;
      }
      return null;
    }
  }


  /**
   * A store that does not list pending uploads: housekeeping, not correctness (the run's own
   * uploads are completed or aborted by its commits). The run asks it no more, and tells the S3A
   * committers not to either (their job clean-up lists pending uploads too, and hadoop-aws 3.3
   * retries the refusal for minutes).
   */
  static void remember(Configuration sessionConf, Path table) {
    sessionConf.setBoolean(REFUSED_PREFIX + table.toUri().getAuthority(), true);
    sessionConf.setBoolean(ABORT_PENDING_UPLOADS, false);
  }

  private static String refusal(Path table) {
    return "p2g: warning: the store at " + table.toUri().getScheme() + "://" + table.toUri().getAuthority()
        + " does not implement listing pending multipart uploads (501 Not Implemented): uploads a killed run"
        + " left are not aborted, and stay stored until a bucket lifecycle rule aborts them";
  }

}
