package dev.p2g.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.p2g.tables.ManifestTable;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The job on a real S3 server (S3Proxy on loopback, an in-memory store) through hadoop-aws:
 * listing, fields, pyramid, manifest and errors all on s3a://, the keys given as Spark/Hadoop
 * settings the way users give them; and the secret key appears nowhere in what the job prints,
 * logs or writes. And the sharded pyramid layouts there: shards are renamed (copied) out of
 * _tmp/ into their level folder, nothing is left in _tmp/, and every manifest row names a shard
 * holding its image, read back with Python's tarfile or Spark's Parquet reader.
 */
class S3Test {
  private static S3Store s3;

  @org.junit.jupiter.api.io.TempDir
  static java.nio.file.Path tmp;

  @BeforeAll
  static void startS3() throws Exception {
    s3 = S3Store.start("p2g-test");
  }

  @AfterAll
  static void stopS3() throws Exception {
    if (s3 != null) {
      s3.close();
    }
  }

  @Test
  void runReadsAndWritesS3AndNeverShowsTheSecret() throws Exception {
    FileSystem fs = s3.fs();
    long images = StoreFiles.uploadSamples(fs, s3.uri("/in"));
    // Everything the job prints, and every log event while it runs (an appender on the root logger).
    java.io.StringWriter logs = new java.io.StringWriter();
    org.apache.logging.log4j.core.LoggerContext ctx =
        (org.apache.logging.log4j.core.LoggerContext) org.apache.logging.log4j.LogManager.getContext(false);
    org.apache.logging.log4j.core.Appender appender = org.apache.logging.log4j.core.appender.WriterAppender
        .createAppender(org.apache.logging.log4j.core.layout.PatternLayout.newBuilder().withPattern("%c %m %ex%n").build(),
            null, logs, "p2g-secret-check", false, true);
    appender.start();
    ctx.getConfiguration().getRootLogger().addAppender(appender, org.apache.logging.log4j.Level.ALL, null);
    ctx.updateLoggers();
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    PrintStream oldErr = System.err;
    PrintStream oldOut = System.out;
    JobRun run;
    try (PrintStream tee = new PrintStream(console, true)) {
      System.setErr(tee);
      System.setOut(tee);
      List<String> args = new ArrayList<>(List.of("run", "--input", s3.uri("/in"),
          "--output", s3.uri("/out"), "--scales", "2", "--model", JobRun.ANALYTIC_MODEL));
      args.addAll(s3.conf());
      // the JVM's sessions may be open already (once-per-JVM log lines gone): prove the capture works
      org.apache.logging.log4j.LogManager.getLogger(S3Test.class).info("p2g capture check");
      run = JobRun.of(args.toArray(String[]::new));
    } finally {
      System.setErr(oldErr);
      System.setOut(oldOut);
      ctx.getConfiguration().getRootLogger().removeAppender("p2g-secret-check");
      ctx.updateLoggers();
    }
    assertTrue(logs.toString().contains("dev.p2g.job.S3Test p2g capture check"), "the log capture works");
    String printed = console + run.out() + run.err() + logs;
    assertEquals(Main.OK, run.exitCode(), printed);

    assertEquals(images, StoreFiles.count(fs, "/out/pyramid/x2", ".png"), "pyramid on S3");
    assertTrue(StoreFiles.count(fs, "/out/fields", ".parquet") > 0, "fields on S3");
    List<Row> manifest = EndToEndTest.spark().read().schema(ManifestTable.SCHEMA)
        .parquet(s3.uri("/out/manifest")).collectAsList();
    assertEquals(images, manifest.size());
    manifest.forEach(m -> assertTrue(m.getString(m.fieldIndex("path")).startsWith(s3.uri("/out/"))));
    assertTrue(fs.exists(new org.apache.hadoop.fs.Path("/out/errors")), "errors table on S3");

    assertFalse(printed.contains(S3Store.SECRET), "the secret key was printed or logged");
    StringBuilder written = new StringBuilder();
    RemoteIterator<LocatedFileStatus> it = fs.listFiles(new org.apache.hadoop.fs.Path("/out"), true);
    while (it.hasNext()) {
      try (var in = fs.open(it.next().getPath())) {
        written.append(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.ISO_8859_1));
      }
    }
    assertFalse(written.toString().contains(S3Store.SECRET), "the secret key was written to the outputs");
  }


  /** WebDataset shards on S3: listed by tasks, each member read with one positioned read of its object. */
  @Test
  void webDatasetShardsOnS3AreEncoded(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws Exception {
    FileSystem fs = s3.fs();
    java.util.Map<String, String> written = PackedInputTest.makeShards(tmp);
    for (String shard : List.of("shard-000.tar", "shard-001.tar")) {
      StoreFiles.upload(fs, tmp.resolve("train").resolve(shard), s3.uri("/shards/train/" + shard));
    }
    List<String> args = new ArrayList<>(List.of("encode", "--input-format", "webdataset", "--input",
        s3.uri("/shards"), "--fields", s3.uri("/packed/fields"), "--model", JobRun.ANALYTIC_MODEL));
    args.addAll(s3.conf());
    JobRun run = JobRun.of(args.toArray(String[]::new));
    assertEquals(Main.OK, run.exitCode(), run.err());
    java.util.Map<String, Row> fields = PackedInputTest.readByKey(s3.uri("/packed/fields"),
        dev.p2g.tables.FieldTable.SCHEMA);
    assertEquals(written.keySet(), fields.keySet());
    for (java.util.Map.Entry<String, String> e : written.entrySet()) {
      assertEquals(PackedInputTest.sha256(PackedInputTest.SAMPLES.resolve(e.getValue())),
          fields.get(e.getKey()).getAs("source_sha256"), e.getKey());
    }
  }

  @Test
  void webdatasetShardsOnS3() throws Exception {
    List<Row> manifest = runInLayout("/wds", "webdataset");
    java.util.Set<String> shards = new java.util.HashSet<>();
    manifest.forEach(m -> shards.add(m.getString(m.fieldIndex("path"))));
    List<java.nio.file.Path> local = new ArrayList<>();
    for (String shard : shards) {
      java.nio.file.Path copy = tmp.resolve(new org.apache.hadoop.fs.Path(shard).getName());
      s3.fs().copyToLocalFile(new org.apache.hadoop.fs.Path(shard), new org.apache.hadoop.fs.Path(copy.toString()));
      local.add(copy);
    }
    java.util.Set<String> members = new java.util.HashSet<>();
    for (com.fasterxml.jackson.databind.JsonNode shard : PyramidLayoutTest.readTars(local)) {
      String name = java.nio.file.Path.of(shard.get("path").asText()).getFileName().toString();
      shard.get("members").forEach(m -> members.add(name + "/" + m.get("name").asText()));
    }
    assertEquals(2 * manifest.size(), members.size(), "an image and its .json per image");
    for (Row m : manifest) {
      String name = new org.apache.hadoop.fs.Path(m.getString(m.fieldIndex("path"))).getName();
      assertTrue(members.contains(name + "/" + m.getString(m.fieldIndex(ManifestTable.MEMBER))), m.toString());
    }
  }

  @Test
  void parquetShardsOnS3() throws Exception {
    List<Row> manifest = runInLayout("/parquet", "parquet");
    java.util.Set<String> stored = new java.util.HashSet<>();
    for (Row r : SparkTestSession.get().read().parquet(s3.uri("/parquet/pyramid/x2"))
        .selectExpr("key", "_metadata.file_name as file", "_metadata.row_index as row_index").collectAsList()) {
      stored.add(r.getString(0) + " " + r.getString(1) + "#" + r.getLong(2));
    }
    assertEquals(manifest.size(), stored.size());
    for (Row m : manifest) {
      assertTrue(stored.contains(m.getString(m.fieldIndex("key")) + " "
          + new org.apache.hadoop.fs.Path(m.getString(m.fieldIndex("path"))).getName() + "#"
          + m.getLong(m.fieldIndex(ManifestTable.ROW_INDEX))), m.toString());
    }
  }

  /** Runs the job on S3 in a layout; its manifest rows, each naming a shard under pyramid/x2/. */
  private static List<Row> runInLayout(String out, String layout) throws Exception {
    long images = StoreFiles.uploadSamples(s3.fs(), s3.uri(out + "-in"));
    List<String> args = new ArrayList<>(List.of("run", "--input", s3.uri(out + "-in"), "--output", s3.uri(out),
        "--scales", "2", "--pyramid-layout", layout, "--shard-size", "3", "--report", "off", "--model",
        JobRun.ANALYTIC_MODEL));
    args.addAll(s3.conf());
    JobRun run = JobRun.of(args.toArray(String[]::new));
    assertEquals(Main.OK, run.exitCode(), run.err());
    FileSystem fs = s3.fs();
    assertFalse(fs.exists(new org.apache.hadoop.fs.Path(out + "/pyramid/x2/_tmp"))
        && fs.listFiles(new org.apache.hadoop.fs.Path(out + "/pyramid/x2/_tmp"), true).hasNext(),
        "no unfinished shard is left");
    List<Row> manifest = SparkTestSession.get().read().schema(ManifestTable.SCHEMA)
        .parquet(s3.uri(out + "/manifest")).collectAsList();
    assertEquals(images, manifest.size());
    java.util.Set<String> named = new java.util.HashSet<>();
    for (Row m : manifest) {
      String path = m.getString(m.fieldIndex("path"));
      assertTrue(path.startsWith(s3.uri(out + "/pyramid/x2/part-")), path);
      named.add(new org.apache.hadoop.fs.Path(path).getName());
    }
    String extension = layout.equals("parquet") ? ".parquet" : ".tar";
    assertEquals(named.size(), StoreFiles.count(fs, out + "/pyramid/x2", extension),
        "every shard stored is named by the manifest");
    return manifest;
  }
}
