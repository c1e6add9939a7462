package dev.p2g.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.p2g.job.tables.CloudCommitProtocol;
import dev.p2g.job.tables.Leftovers;
import dev.p2g.tables.ErrorRecord;
import dev.p2g.tables.FieldTable;
import dev.p2g.tables.ManifestTable;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tables on s3a:// commit without copying an object: the S3A magic committer by default, the
 * directory committer where fs.s3a.committer.name says so. The S3 server counts the copy requests
 * (S3A renames by copying); the committer of each table is read from the _SUCCESS manifest that
 * S3A's committers write. The rename committer, chosen explicitly, is the control: it copies.
 */
class S3CommitTest {
  private static final List<String> TABLES = List.of("fields", "manifest", "errors");
  private static S3Store s3;
  private static FileSystem fs;
  private static long images;

  @TempDir
  static Path tmp;

  @BeforeAll
  static void startS3() throws Exception {
    s3 = S3Store.start("p2g-commit");
    fs = s3.fs();
    images = StoreFiles.uploadSamples(fs, s3.uri("/in"));
    try (OutputStream out = fs.create(new org.apache.hadoop.fs.Path(s3.uri("/in/broken.png")))) {
      out.write("not a png at all".getBytes(java.nio.charset.StandardCharsets.US_ASCII)); // an errors/ row
    }
  }

  @AfterAll
  static void stopS3() throws Exception {
    if (s3 != null) {
      s3.close();
    }
  }

  /** --conf spark.hadoop.* reaches the shared session's Hadoop settings: give the next test the defaults. */
  @AfterEach
  void hadoopDefaults() {
    Configuration hadoop = SparkTestSession.get().sparkContext().hadoopConfiguration();
    hadoop.unset(CloudCommitProtocol.COMMITTER_NAME);
    hadoop.unset("fs.s3a.committer.staging.tmp.path");
    hadoop.unset(Leftovers.ABORT_PENDING_UPLOADS);
    hadoop.unset(Leftovers.REFUSED_PREFIX + "p2g-commit");
  }

  @Test
  void magicByDefaultCommitsEveryTableWithoutACopy() throws Exception {
    s3.resetCounts();
    JobRun run = job("/magic");
    assertEquals(Main.OK, run.exitCode(), run.err());
    report("magic, first run");
    assertTrue(run.out().contains("commit with the S3A magic committer"), run.out());
    assertEquals(List.of(), s3.copiedKeys(), "objects the S3 server was asked to copy");
    for (String table : TABLES) {
      assertEquals("magic", committerOf("/magic/" + table), table);
    }
    assertTrue(s3.completedUploads() >= TABLES.size(), "files are multipart uploads completed at job commit");
    assertEquals(0, s3.pendingUploads(), "no upload left pending");
    SparkSession spark = SparkTestSession.get();
    assertEquals(images, spark.read().schema(FieldTable.SCHEMA).parquet(s3.uri("/magic/fields")).count());
    assertEquals(images, spark.read().schema(ManifestTable.SCHEMA).parquet(s3.uri("/magic/manifest")).count());
    assertEquals(List.of("broken.png"), spark.read().schema(ErrorRecord.SCHEMA).parquet(s3.uri("/magic/errors"))
        .select("key").collectAsList().stream().map(r -> r.getString(0)).toList());

    s3.resetCounts();
    JobRun again = job("/magic");
    assertEquals(Main.OK, again.exitCode(), again.err());
    report("magic, re-run");
    assertTrue(again.out().contains("skipped " + images + " images already encoded"), again.out());
    assertEquals(List.of(), s3.copiedKeys(), "objects copied by the re-run");

    // a changed source: its field and level are done again, and their old rows compacted away
    StoreFiles.upload(fs, java.nio.file.Path.of("../sample-data/images/test-card.png"),
        s3.uri("/in/colorful-cups.png"));
    s3.resetCounts();
    JobRun changed = job("/magic");
    assertEquals(Main.OK, changed.exitCode(), changed.err());
    report("magic, one source changed");
    assertTrue(changed.out().contains("encode wrote 1 fields"), changed.out());
    assertTrue(changed.out().contains("superseded rows from " + s3.uri("/magic/fields")), changed.out());
    assertTrue(changed.out().contains("superseded rows from " + s3.uri("/magic/manifest")), changed.out());
    assertEquals(List.of(), s3.copiedKeys(), "objects copied while superseded rows were removed");
    assertTrue(StoreFiles.named(fs, "/magic/fields", "p2g-rewrite-") > 0, "a file was rewritten, not only deleted");
    assertEquals(images, spark.read().schema(FieldTable.SCHEMA).parquet(s3.uri("/magic/fields")).count());
    assertEquals(images, spark.read().schema(ManifestTable.SCHEMA).parquet(s3.uri("/magic/manifest")).count());
  }

  /** With WebDataset shards too: a shard is written at its final key, never copied there. */
  @Test
  void directoryCommitterWhereTheUserSaysSoAndShardsWithoutACopy() throws Exception {
    s3.resetCounts();
    List<String> args = new ArrayList<>(List.of("--pyramid-layout", "webdataset", "--shard-size", "3"));
    for (String kv : List.of("fs.s3a.committer.name=directory",
        "fs.s3a.committer.staging.tmp.path=" + tmp.resolve("staging").toUri())) {
      args.add("--conf");
      args.add("spark.hadoop." + kv);
    }
    JobRun run = jobWith("/directory", args);
    assertEquals(Main.OK, run.exitCode(), run.err());
    report("directory, webdataset shards, first run");
    assertTrue(run.out().contains("commit with the S3A directory committer"), run.out());
    assertEquals(List.of(), s3.copiedKeys(), "objects copied");
    for (String table : TABLES) {
      assertEquals("directory", committerOf("/directory/" + table), table);
    }
    assertTrue(StoreFiles.count(fs, "/directory/pyramid/x2", ".tar") >= images / 3, "shards of 3 images");
    assertFalse(fs.exists(new org.apache.hadoop.fs.Path(s3.uri("/directory/pyramid/x2/_tmp"))), "nothing under _tmp/");
    assertEquals(0, s3.pendingUploads(), "no upload left pending");
  }

  /** The control: the rename committer copies every file, so the count above can fail. */
  @Test
  void renameCommitterCopiesAndIsWarnedAbout() throws Exception {
    s3.resetCounts();
    JobRun run = job("/rename", "fs.s3a.committer.name=file");
    assertEquals(Main.OK, run.exitCode(), run.err());
    report("file (rename), first run");
    assertTrue(run.out().contains("warning: fs.s3a.committer.name=file"), run.out());
    assertTrue(s3.copiedKeys().stream().anyMatch(k -> k.startsWith("rename/fields/_temporary/")), s3.copiedKeys()
        .toString());
  }

  /** A killed magic job leaves its folder and pending uploads; both are gone before the next run writes. */
  @Test
  void aKilledMagicJobsPendingUploadsAreAborted() throws Exception {
    String table = s3.uri("/killed/fields");
    // the magic folder: one per job since Hadoop 3.4, a single __magic in 3.3 (Spark 3.5)
    String magic = org.apache.hadoop.util.VersionInfo.getVersion().startsWith("3.3.") ? "__magic" : "__magic_job-0001";
    org.apache.hadoop.fs.Path staged = new org.apache.hadoop.fs.Path(table
        + "/" + magic + "/job-0001/tasks/attempt_0001_m_000000_0/__base/part-00000.parquet");
    int before = s3.pendingUploads();
    try (OutputStream out = fs.create(staged)) {
      out.write(new byte[1000]); // a magic path: S3A leaves the upload for job commit to complete
    }
    assertEquals(before + 1, s3.pendingUploads(), "the write is a pending upload");
    assertFalse(fs.exists(new org.apache.hadoop.fs.Path(table + "/part-00000.parquet")));

    assertTrue(Leftovers.clear(table, fs.getConf()));
    assertEquals(before, s3.pendingUploads(), "the upload was aborted");
    assertFalse(fs.exists(new org.apache.hadoop.fs.Path(table + "/" + magic)));
    assertFalse(Leftovers.clear(table, fs.getConf()), "nothing left the second time");
  }

  /** The server's counts for docs/benchmarks.md. */
  private static void report(String what) {
    System.out.printf("S3CommitTest: %s: %d copy requests, %d multipart uploads completed%n", what,
        s3.copiedKeys().size(), s3.completedUploads());
  }

  /**
   * Two encode tasks, so that fields/ files hold several images each: a changed image's old row
   * then shares its file with others, and removing it rewrites that file (the case of a run of
   * thousands of images, where a task encodes 64 or more).
   */
  @Test
  void aStoreWithoutUploadListingStillRunsAndSaysWhatItSkipped() throws Exception {
    // hadoop-aws 3.3 (the spark35 build) lists pending uploads in its magic committer's job setup
    // itself, retrying the 501 for minutes a write: p2g can stop asking, not stop the committer
    org.junit.jupiter.api.Assumptions.assumeFalse(org.apache.hadoop.util.VersionInfo.getVersion().startsWith("3.3."),
        "hadoop-aws 3.3's committer retries the refusal itself");
    s3.refuseUploadListing(true);
    JobRun run;
    JobRun again;
    try {
      run = job("/no-listing");
      again = job("/no-listing");
    } finally {
      s3.refuseUploadListing(false);
    }
    assertEquals(Main.OK, run.exitCode(), run.err());
    assertEquals(Main.OK, again.exitCode(), again.err());
    assertTrue(s3.listingsRefused() > 0, "the server refused to list uploads");
    for (JobRun r : List.of(run, again)) {
      assertEquals(1, r.out().lines().filter(l -> l.contains("does not implement listing pending multipart uploads"))
          .count(), "said once a run: " + r.out());
      assertTrue(r.out().contains("until a bucket lifecycle rule aborts them"), r.out());
    }
    assertTrue(again.out().contains("skipped " + images + " images already encoded")
        && again.out().contains("skipped " + images + " already rendered"), again.out());
    SparkSession spark = SparkTestSession.get();
    assertEquals(images, spark.read().schema(FieldTable.SCHEMA).parquet(s3.uri("/no-listing/fields")).count(),
        "every image once (the broken one has an errors/ row)");
    assertEquals(images, spark.read().parquet(s3.uri("/no-listing/manifest")).count());
    assertEquals(0, s3.pendingUploads(), "no upload left pending");
  }

  private static JobRun job(String out, String... hadoopSettings) {
    List<String> more = new ArrayList<>();
    for (String kv : hadoopSettings) {
      more.add("--conf");
      more.add("spark.hadoop." + kv);
    }
    return jobWith(out, more);
  }

  private static JobRun jobWith(String out, List<String> more) {
    List<String> args = new ArrayList<>(List.of("run", "--input", s3.uri("/in"), "--output", s3.uri(out),
        "--scales", "2", "--partitions", "2", "--model", JobRun.ANALYTIC_MODEL));
    args.addAll(s3.conf());
    args.addAll(more);
    return JobRun.of(args.toArray(String[]::new));
  }

  /** The committer named in a table's _SUCCESS: S3A's committers write it as JSON, the rename committer empty. */
  private static String committerOf(String table) throws Exception {
    try (var in = fs.open(new org.apache.hadoop.fs.Path(s3.uri(table + "/_SUCCESS")))) {
      byte[] json = in.readAllBytes();
      return json.length == 0 ? "file" : new ObjectMapper().readTree(json).path("committer").asText();
    }
  }
}
