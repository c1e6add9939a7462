package dev.p2g.job;

import dev.p2g.job.cli.CommandLineOptions;
import dev.p2g.job.cli.InputCheck;
import dev.p2g.job.cli.JobConfig;
import dev.p2g.job.cli.UsageException;
import dev.p2g.job.common.ExitCodes;
import dev.p2g.job.common.StoreFailure;
import dev.p2g.job.common.SystemicException;
import dev.p2g.job.run.Driver;
import dev.p2g.job.serve.ServeCommand;
import java.io.PrintStream;
import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * The entry point, the same under bin/p2g and spark-submit. Exit codes (DESIGN.md): 0 done
 * (per-image failures are in errors/), 1 systemic failure, 2 bad command line.
 */
public final class Main {
  public static final int OK = ExitCodes.OK;
  public static final int SYSTEMIC = ExitCodes.SYSTEMIC;
  public static final int USAGE = ExitCodes.USAGE;
  /** Shuffle partitions per core in local mode: enough for skew, few enough to cost nothing. */
  static final int LOCAL_SHUFFLE_PARTITIONS_PER_CORE = 2;
  /** Executor heartbeats in local mode, against Spark's 10 s (ProgressReporter counts running tasks by them). */
  static final String LOCAL_HEARTBEAT = "2s";

  private Main() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /** Runs one command; reuses a SparkSession that already exists (tests, notebooks) and stops only its own. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    if (args.length > 0 && args[0].equals("serve")) {
      return ServeCommand.run(args, out, err); // a server over fields/, no Spark job
    }
    JobConfig config;
    try {
      config = JobConfig.parse(args);
      InputCheck.localInputsExist(config, new SparkConf().contains("spark.master"));
    } catch (CommandLineOptions.HelpRequested h) {
      out.println(h.usage());
      return OK;
    } catch (UsageException e) {
      err.println("p2g: " + e.getMessage() + " (p2g " + commandName(args) + "--help for usage)");
      return USAGE;
    }
    boolean ownSession = SparkSession.getDefaultSession().isEmpty();
    SparkSession spark = ownSession ? session(config) : SparkSession.getDefaultSession().get();
    if (!ownSession) {
      applyHadoopSettings(spark, config, err);
    }
    try {
      return new Driver(spark, config, out).execute();
    } catch (SystemicException e) {
      storeFailure(e, spark, err);
      err.println("p2g: " + e.getMessage());
      return SYSTEMIC;
    } catch (Exception e) { // Spark's own SparkException is checked, and thrown undeclared from Scala
      boolean store = storeFailure(e, spark, err);
      err.println("p2g: the job failed: " + SystemicException.rootMessage(e));
      if (!store) {
        e.printStackTrace(err);
      }
      return SYSTEMIC;
    } finally {
      if (ownSession) {
        spark.stop();
      }
    }
  }

  private static SparkSession session(JobConfig config) {
    SparkSession.Builder builder = SparkSession.builder().appName("p2g " + config.command().name().toLowerCase());
    String master = config.master();
    if (master == null && !new SparkConf().contains("spark.master")) {
      master = "local[*]"; // not under spark-submit: the embedded default
    }
    if (master != null) {
      builder.master(master);
      if (master.startsWith("local[") || master.equals("local")) {
        // Spark's 200 shuffle partitions are sized for clusters: on one machine each costs a task in
        // every join of the plan (listing, skip checks, compaction), seconds per stage for nothing
        builder.config("spark.sql.shuffle.partitions", LOCAL_SHUFFLE_PARTITIONS_PER_CORE
            * Runtime.getRuntime().availableProcessors());
        // running tasks' progress (a large image's tiles) reaches the driver with heartbeats:
        // in one JVM they cost nothing, and the first progress lines then have news
        builder.config("spark.executor.heartbeatInterval", LOCAL_HEARTBEAT);
      }
    }
    config.sparkConf().forEach(builder::config);
    return builder.getOrCreate();
  }

  /**
   * A session that already runs (a notebook, the tests) took its settings when it started; of
   * --conf, the spark.hadoop.* entries (storage endpoints, credentials) can still apply, to its
   * Hadoop configuration. Others are reported, not silently dropped.
   */
  private static void applyHadoopSettings(SparkSession spark, JobConfig config, PrintStream err) {
    config.sparkConf().forEach((k, v) -> {
      if (k.startsWith("spark.hadoop.")) {
        spark.sparkContext().hadoopConfiguration().set(k.substring("spark.hadoop.".length()), v);
      } else {
        err.println("p2g: warning: --conf " + k + " ignored: the Spark session is already running");
      }
    });
  }

  /** Says first, in a line of its own, when what stopped the run is the store failing past S3A's retries. */
  private static boolean storeFailure(Exception e, SparkSession spark, PrintStream err) {
    return StoreFailure.describe(e, spark.sparkContext().hadoopConfiguration()).map(line -> {
      err.println("p2g: " + line);
      return true;
    }).orElse(false);
  }

  private static String commandName(String[] args) {
    return args.length > 0 && List.of("run", "encode", "render").contains(args[0]) ? args[0] + " " : "";
  }


}
