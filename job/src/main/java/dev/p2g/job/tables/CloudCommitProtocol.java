package dev.p2g.job.tables;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.mapreduce.OutputCommitter;
import org.apache.hadoop.mapreduce.TaskAttemptContext;
import org.apache.hadoop.mapreduce.lib.output.PathOutputCommitter;
import org.apache.hadoop.mapreduce.lib.output.PathOutputCommitterFactory;
import org.apache.spark.internal.io.FileNameSpec;
import org.apache.spark.sql.execution.datasources.SQLHadoopMapReduceCommitProtocol;
import scala.Option;

/**
 * Spark's SQL commit protocol, with the S3A committers for s3a:// tables. Spark's own protocol
 * commits through a FileOutputCommitter, which moves task output into place by renaming; S3A
 * renames by copying every object and deleting the original. The S3A committers (magic by
 * default, the staging "directory" committer where fs.s3a.committer.name says so) instead write
 * each file as a multipart upload that job commit completes: no copy of any data file.
 *
 * <p>Spark's protocol only writes into a committer's work path when the committer is a
 * FileOutputCommitter, so this one also places task files in the S3A committer's work path. Any
 * other scheme (file://, hdfs://) gets Spark's protocol unchanged, but for file names: a write
 * given the FILE_PREFIX option names its files with it. This is what Spark's optional
 * spark-hadoop-cloud module does, which is not published for Spark 4.2.
 */
public class CloudCommitProtocol extends SQLHadoopMapReduceCommitProtocol {
  private static final long serialVersionUID = 1L;

  /** Hadoop's key naming the S3A committer; its default ("file") is the rename committer. */
  public static final String COMMITTER_NAME = "fs.s3a.committer.name";
  /** p2g's committer when the user chose none: works on any S3 store, no cluster file system needed. */
  static final String DEFAULT_COMMITTER = "magic";
  /** A write option: the names of the files a write makes start with it, so that TableRewrite can find them. */
  static final String FILE_PREFIX = "p2g.commit.file.prefix";
  static final String S3A_FACTORY_KEY = "mapreduce.outputcommitter.factory.scheme.s3a";
  static final String S3A_FACTORY = "org.apache.hadoop.fs.s3a.commit.S3ACommitterFactory";

  private final String destination;
  /** The S3A committer of this job or task, once set up; null on other schemes. */
  private transient PathOutputCommitter cloud;

  public CloudCommitProtocol(String jobId, String path, boolean dynamicPartitionOverwrite) {
    super(jobId, path, dynamicPartitionOverwrite);
    if (dynamicPartitionOverwrite && isS3a(path)) {
      // the S3A committers have no per-partition replace of their own: refuse rather than append
      throw new IllegalArgumentException("dynamic partition overwrite is not supported on " + path);
    }
    this.destination = path;
  }

  /** True for an s3a:// URI: the tables there commit through the S3A committers. */
  static boolean isS3a(String uri) {
    return uri != null && uri.toLowerCase(Locale.ROOT).startsWith("s3a:");
  }

  /**
   * The S3A committer a write under this configuration uses: the user's fs.s3a.committer.name
   * when they set one (any source but Hadoop's own defaults file), else p2g's default.
   */
  static String committerName(Configuration conf) {
    String name = conf.getTrimmed(COMMITTER_NAME);
    String[] sources = conf.getPropertySources(COMMITTER_NAME);
    boolean hadoopDefault = sources == null || Arrays.stream(sources).allMatch(s -> s.endsWith("-default.xml"));
    return name == null || name.isEmpty() || hadoopDefault ? DEFAULT_COMMITTER : name;
  }

  @Override
  public OutputCommitter setupCommitter(TaskAttemptContext context) {
    if (!isS3a(destination)) {
      cloud = null;
      return super.setupCommitter(context);
    }
    Configuration conf = context.getConfiguration(); // this write's own copy
    conf.set(COMMITTER_NAME, committerName(conf));
    if (conf.get(S3A_FACTORY_KEY) == null) { // mapred-default.xml names it, when it was loaded
      conf.set(S3A_FACTORY_KEY, S3A_FACTORY);
    }
    try {
      cloud = PathOutputCommitterFactory.createCommitter(new Path(destination), context);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot set up the S3A committer for " + destination, e);
    }
    return cloud;
  }

  @Override
  public String getFilename(TaskAttemptContext context, FileNameSpec spec) {
    return context.getConfiguration().get(FILE_PREFIX, "") + super.getFilename(context, spec);
  }

  @Override
  public String newTaskTempFile(TaskAttemptContext context, Option<String> dir, FileNameSpec spec) {
    if (cloud == null) {
      return super.newTaskTempFile(context, dir, spec);
    }
    Path work;
    try {
      work = cloud.getWorkPath(); // magic: a path the S3A file system turns into a pending upload
    } catch (IOException e) {
      throw new UncheckedIOException("no work path from the S3A committer for " + destination, e);
    }
    Path parent = dir.isDefined() ? new Path(work, dir.get()) : work;
    return new Path(parent, getFilename(context, spec)).toString();
  }
}
