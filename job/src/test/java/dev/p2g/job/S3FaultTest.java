package dev.p2g.job;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.regexp_replace;
import static org.apache.spark.sql.functions.sha2;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.p2g.job.FaultProxy.Counts;
import dev.p2g.job.FaultProxy.Kind;
import dev.p2g.tables.ErrorRecord;
import dev.p2g.tables.FieldTable;
import dev.p2g.tables.ManifestTable;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A store that fails some requests (503 SlowDown, 500 InternalError, connection resets: FaultProxy
 * in front of the S3 server). A few faults are retried by S3A and change nothing: the output equals
 * a fault-free run's, row for row and byte for byte. Faults beyond the retries fail the run with a
 * message that says so, and a re-run once the store is well completes it exactly once.
 */
class S3FaultTest {
  private static final long SEED = 31;
  private static final String[] FEW_RETRIES = {"fs.s3a.retry.limit=1", "fs.s3a.retry.throttle.limit=1",
      "fs.s3a.attempts.maximum=1", "fs.s3a.retry.interval=10ms", "fs.s3a.retry.throttle.interval=10ms"};
  private static S3Store s3;
  private static FaultProxy proxy;
  private static FileSystem fs;
  private static Output clean;

  @BeforeAll
  static void start() throws Exception {
    s3 = S3Store.start("p2g-faults");
    proxy = FaultProxy.start(s3.port());
    fs = s3.fs();
    StoreFiles.uploadSamples(fs, s3.uri("/in"));
    JobRun run = job("/clean");
    assertEquals(Main.OK, run.exitCode(), run.err());
    clean = Output.of("/clean");
  }

  @AfterAll
  static void stop() throws Exception {
    if (proxy != null) {
      proxy.close();
    }
    if (s3 != null) {
      s3.close();
    }
  }

  /** --conf spark.hadoop.* reaches the shared session's Hadoop settings: give the next test the defaults. */
  @AfterEach
  void hadoopDefaults() {
    for (String kv : FEW_RETRIES) {
      SparkTestSession.get().sparkContext().hadoopConfiguration().unset(kv.substring(0, kv.indexOf('=')));
    }
  }

  @Test
  void aFewFaultsAreRetriedAndChangeNothing() throws Exception {
    proxy.resetCounts();
    proxy.faults(0.02, SEED, true);
    JobRun run;
    try {
      run = job("/faulty");
    } finally {
      proxy.noFaults();
    }
    Map<Kind, Counts> counts = proxy.counts();
    report("2 % faults, and each kind's first request", counts);
    assertEquals(Main.OK, run.exitCode(), run.err());
    for (Kind k : List.of(Kind.LIST, Kind.HEAD, Kind.GET, Kind.PUT, Kind.INITIATE, Kind.PART, Kind.COMPLETE)) {
      assertTrue(counts.get(k).faulted() > 0, k + " was faulted: " + counts);
    }
    assertTrue(proxy.total(2) > 0, "faulted requests were sent again");
    assertEquals(clean, Output.of("/faulty"), "the output of a run with faults");
  }

  /**
   * Faults S3A may retry only once: half of all requests (the run stops in the driver's first
   * calls), then every multipart part (it stops in a task writing a table). Either way the run
   * says the store failed and how to make S3A try longer; the re-run, the store well again,
   * completes what is missing.
   */
  @Test
  void faultsBeyondTheRetriesFailTheRunAndAReRunCompletesIt() throws Exception {
    // a bucket of its own: Hadoop caches a file system per bucket, retry settings and all
    try (S3Store harsh = S3Store.start("p2g-faults-harsh"); FaultProxy faults = FaultProxy.start(harsh.port())) {
      FileSystem hfs = harsh.fs();
      StoreFiles.uploadSamples(hfs, harsh.uri("/in"));
      faults.faults(0.5, SEED, false);
      assertStoreFailure(job(harsh, faults, "/out", FEW_RETRIES), faults, "50 % faults, 1 retry");
      faults.faults(1, SEED, false, Kind.PART);
      assertStoreFailure(job(harsh, faults, "/out", FEW_RETRIES), faults, "every part faulted, 1 retry");
      faults.noFaults();

      JobRun again = job(harsh, faults, "/out", FEW_RETRIES);
      assertEquals(Main.OK, again.exitCode(), again.err());
      assertEquals(clean, Output.of(harsh, hfs, "/out"), "the re-run's output");
    }
  }

  private static void assertStoreFailure(JobRun failed, FaultProxy faults, String what) {
    report(what, faults.counts());
    faults.resetCounts();
    assertEquals(Main.SYSTEMIC, failed.exitCode(), failed.out() + failed.err());
    String first = failed.err().lines().filter(l -> l.startsWith("p2g: ")).findFirst().orElse("");
    System.out.println("S3FaultTest: " + what + ": " + first);
    assertTrue(first.startsWith("p2g: the store failed") && first.contains("fs.s3a.retry.limit=1"), failed.err());
  }

  private static void report(String what, Map<Kind, Counts> counts) {
    StringBuilder b = new StringBuilder("S3FaultTest: " + what + ":");
    counts.forEach((k, c) -> {
      if (c.requests() > 0) {
        b.append(String.format(" %s %d/%d/%d", k, c.requests(), c.faulted(), c.retried()));
      }
    });
    System.out.println(b + " (requests/faulted/sent again)");
  }

  private static JobRun job(String out) {
    return job(s3, proxy, out);
  }

  private static JobRun job(S3Store store, FaultProxy via, String out, String... hadoopSettings) {
    List<String> args = new ArrayList<>(List.of("run", "--input", store.uri("/in"), "--output", store.uri(out),
        "--scales", "2", "--partitions", "2", "--model", JobRun.ANALYTIC_MODEL));
    args.addAll(store.conf(via.endpoint()));
    for (String kv : hadoopSettings) {
      args.add("--conf");
      args.add("spark.hadoop." + kv);
    }
    return JobRun.of(args.toArray(String[]::new));
  }

  /**
   * What a run leaves, without what differs between two runs of the same input by design (times,
   * the output root in paths): fields rows with their parameters' digest, manifest and errors rows,
   * and every pyramid file's digest by its path under pyramid/.
   */
  private record Output(List<String> fields, List<String> manifest, List<String> errors, Map<String, String> pyramid) {
    static Output of(String out) throws Exception {
      return of(s3, fs, out);
    }

    static Output of(S3Store store, FileSystem fs, String out) throws Exception {
      SparkSession spark = SparkTestSession.get();
      Dataset<Row> fields = spark.read().schema(FieldTable.SCHEMA).parquet(store.uri(out + "/fields"))
          .drop(FieldTable.ENCODED_AT, FieldTable.SOURCE_MODIFIED).withColumn("params", sha2(col("params"), 256))
          .withColumn("source_uri", regexp_replace(col("source_uri"), "^s3a://[^/]+/", ""));
      Dataset<Row> manifest = spark.read().schema(ManifestTable.SCHEMA).parquet(store.uri(out + "/manifest"))
          .drop(ManifestTable.RENDERED_AT, "render_ms")
          .withColumn("path", regexp_replace(col("path"), "^.*/pyramid/", ""));
      String errorsUri = store.uri(out + "/errors");
      List<String> errors = fs.exists(new Path(errorsUri)) ? sorted(spark.read().schema(ErrorRecord.SCHEMA)
          .parquet(errorsUri).select("key", "stage", "error_class")) : List.of();
      Map<String, String> pyramid = new TreeMap<>();
      String root = store.uri(out + "/pyramid/");
      RemoteIterator<LocatedFileStatus> files = fs.listFiles(new Path(root), true);
      while (files.hasNext()) {
        Path p = files.next().getPath();
        try (var in = fs.open(p)) {
          pyramid.put(p.toString().substring(root.length()),
              HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(in.readAllBytes())));
        }
      }
      return new Output(sorted(fields), sorted(manifest), errors, pyramid);
    }

    private static List<String> sorted(Dataset<Row> rows) {
      return rows.toJSON().collectAsList().stream().sorted().toList();
    }
  }
}
