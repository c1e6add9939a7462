package dev.p2g.job.tables;

import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Puts CloudCommitProtocol in charge of one run's table writes (fields/, manifest/, errors/,
 * source checks, compaction), and gives the session back as it was: a notebook's session keeps
 * its own setting after the run. A protocol the user chose (spark-hadoop-cloud's, say) is kept.
 */
public final class OutputCommitters implements AutoCloseable {
  static final String PROTOCOL_KEY = "spark.sql.sources.commitProtocolClass";
  /** Spark's default protocol: anything else was chosen by the user and is left alone. */
  static final String SPARK_DEFAULT = "org.apache.spark.sql.execution.datasources.SQLHadoopMapReduceCommitProtocol";

  private final SparkSession spark;
  private final String previous;
  private final boolean installed;

  private OutputCommitters(SparkSession spark, String previous, boolean installed) {
    this.spark = spark;
    this.previous = previous;
    this.installed = installed;
  }

  public static OutputCommitters install(SparkSession spark) {
    scala.Option<String> set = spark.conf().getOption(PROTOCOL_KEY);
    String previous = set.isDefined() ? set.get() : null;
    boolean ours = previous == null || previous.equals(SPARK_DEFAULT);
    if (ours) {
      spark.conf().set(PROTOCOL_KEY, CloudCommitProtocol.class.getName());
    }
    return new OutputCommitters(spark, previous, ours);
  }

  /**
   * The summary's line on how s3a:// tables commit, or null when none of the URIs is on s3a://.
   * The rename committer is named for what it costs.
   */
  public String describe(Configuration hadoop, String... tableUris) {
    if (Stream.of(tableUris).noneMatch(CloudCommitProtocol::isS3a)) {
      return null;
    }
    if (!installed) {
      return "p2g: s3a:// tables commit with " + previous + " (" + PROTOCOL_KEY + ")";
    }
    String name = CloudCommitProtocol.committerName(hadoop);
    if (name.equals("file")) {
      return "p2g: warning: " + CloudCommitProtocol.COMMITTER_NAME + "=file: s3a:// tables commit by renaming,"
          + " which S3 does by copying every object; magic (p2g's default) or directory commit without copies";
    }
    return "p2g: s3a:// tables commit with the S3A " + name + " committer (" + CloudCommitProtocol.COMMITTER_NAME
        + "): no copies";
  }

  /**
   * A write whose files are named tag-part-…, so that a rewrite can tell its own files from the
   * table's: through CloudCommitProtocol whatever protocol the session has, for this write only.
   */
  static void writeTagged(SparkSession spark, DataFrameWriter<Row> writer, String tag, String uri) {
    String previous = spark.conf().get(PROTOCOL_KEY);
    spark.conf().set(PROTOCOL_KEY, CloudCommitProtocol.class.getName());
    try {
      writer.option(CloudCommitProtocol.FILE_PREFIX, tag + "-").parquet(uri);
    } finally {
      spark.conf().set(PROTOCOL_KEY, previous);
    }
  }

  @Override
  public void close() {
    if (!installed) {
      return;
    }
    if (previous == null) {
      spark.conf().unset(PROTOCOL_KEY);
    } else {
      spark.conf().set(PROTOCOL_KEY, previous);
    }
  }
}
