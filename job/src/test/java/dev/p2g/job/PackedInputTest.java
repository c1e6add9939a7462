package dev.p2g.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.p2g.io.HadoopFiles;
import dev.p2g.tables.ErrorRecord;
import dev.p2g.tables.FieldTable;
import dev.p2g.tables.ManifestTable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Images packed in containers (--input-format webdataset and parquet): shards written by
 * Python's own tarfile and tables written by Spark's own Parquet writer, the sample images
 * among broken members. Every good image is encoded from exactly its own bytes (the fields
 * row's source hash is the hash of the sample file), rendered, and skipped by a second run;
 * every bad member gets its errors/ row and nothing else is lost.
 */
class PackedInputTest {
  static final Path SAMPLES = Path.of("../sample-data/images").toAbsolutePath();

  @TempDir
  Path tmp;

  @Test
  void webDatasetShardsAreEncodedMemberByMember() throws Exception {
    Path shards = tmp.resolve("shards");
    Map<String, String> written = makeShards(shards);
    Files.writeString(shards.resolve("README.md"), "not a shard: counted as another file");
    Path out = tmp.resolve("out");
    JobRun run = JobRun.of("run", "--input-format", "webdataset", "--input", shards.toString(), "--output",
        out.toString(), "--scales", "2", "--model", JobRun.ANALYTIC_MODEL);

    assertEquals(Main.OK, run.exitCode(), run.err());
    // the README and the sample without an image
    assertTrue(run.out().contains("2 other files skipped, 1 duplicate names refused, 1 unreadable in webdataset"),
        run.out());
    Map<String, Row> fields = fieldsByKey(out);
    assertEquals(written.keySet(), fields.keySet(), "one field per image member");
    for (Map.Entry<String, String> e : written.entrySet()) {
      Row f = fields.get(e.getKey());
      assertEquals(sha256(SAMPLES.resolve(e.getValue())), f.getAs("source_sha256"), e.getKey() + " from its own bytes");
      assertTrue(f.<String>getAs("source_uri").endsWith(".tar#" + e.getKey().split("/", 3)[2]), f.toString());
    }
    Map<String, Row> errors = errorsByKey(out);
    assertEquals(3, errors.size(), errors.toString());
    assertEquals("decode.unrecognised", errors.get("train/shard-000/broken.jpg").getAs("error_class"));
    assertEquals("list.truncated-shard", errors.get("train/shard-001/cut.png").getAs("error_class"));
    assertEquals("list.duplicate-name", errors.get("train/shard-000/s0001.png").getAs("error_class"));
    assertEquals(written.size(), manifestRows(out), "every image rendered at x2");
    assertTrue(Files.exists(out.resolve("pyramid/x2/train/shard-001/s0002.png")));
    try (Stream<Path> pyramid = Files.walk(out.resolve("pyramid"))) {
      assertEquals(List.of(), pyramid.filter(p -> p.toString().endsWith(".crc")).toList(), "no checksum files");
    }

    // the re-run asks for WebDataset shards: nothing encoded again, the level rendered again as shards
    JobRun again = JobRun.of("run", "--input-format", "webdataset", "--input", shards.toString(), "--output",
        out.toString(), "--scales", "2", "--model", JobRun.ANALYTIC_MODEL, "--pyramid-layout", "webdataset");
    assertEquals(Main.OK, again.exitCode(), again.err());
    assertTrue(again.out().contains("encode wrote 0 fields"), "a re-run encodes nothing again: " + again.out());
    assertTrue(again.out().contains("skipped " + written.size() + " images already encoded"), again.out());
    assertFalse(Files.exists(out.resolve("pyramid/x2/train/shard-001/s0002.png")), "the files layout's image is gone");
    samplesJoinTheirInputSamplesByKey(out, written.keySet());
  }

  /**
   * Each output sample's key is its input sample's: the shard's path, then the WebDataset key
   * ("train/shard-000/s0002" for s0002.jpg in train/shard-000.tar), and its .json says which
   * shard and member the image came from.
   */
  private static void samplesJoinTheirInputSamplesByKey(Path out, java.util.Set<String> keys) throws Exception {
    List<Path> tars;
    try (Stream<Path> s = Files.list(out.resolve("pyramid/x2"))) {
      tars = s.filter(p -> p.toString().endsWith(".tar")).sorted().toList();
    }
    Map<String, JsonNode> members = new java.util.HashMap<>();
    for (JsonNode shard : PyramidLayoutTest.readTars(tars)) {
      shard.get("members").forEach(m -> members.put(m.get("name").asText(), m));
    }
    assertEquals(2 * keys.size(), members.size(), members.keySet().toString());
    for (String key : keys) { // train/shard-000/s0002.jpg
      String sample = key.substring(0, key.lastIndexOf('.'));
      assertTrue(members.containsKey(sample + ".png"), sample + " in " + members.keySet());
      JsonNode json = members.get(sample + ".json").get("json");
      assertEquals(key, json.get("key").asText());
      String shard = key.substring(0, key.indexOf('/', "train/".length()));
      assertTrue(json.get("source_shard").asText().endsWith("/" + shard + ".tar"), json.toString());
      assertEquals(key.substring(shard.length() + 1), json.get("source_member").asText());
    }
  }

  @Test
  void parquetTablesAreEncodedRowByRow() throws Exception {
    SparkSession spark = SparkTestSession.get();
    StructType schema = new StructType()
        .add("image", new StructType().add("bytes", DataTypes.BinaryType).add("path", DataTypes.StringType))
        .add("label", DataTypes.IntegerType);
    List<Row> rows = new ArrayList<>();
    List<Path> samples = samples();
    for (int i = 0; i < samples.size(); i++) {
      rows.add(RowFactory.create(RowFactory.create(Files.readAllBytes(samples.get(i)),
          SAMPLES.relativize(samples.get(i)).toString()), i));
    }
    rows.add(RowFactory.create(RowFactory.create(null, "missing.png"), 98));
    rows.add(RowFactory.create(RowFactory.create("garbage".getBytes(StandardCharsets.UTF_8), "garbage.jpg"), 99));
    Path table = tmp.resolve("table");
    spark.createDataFrame(rows, schema).repartition(2).write().parquet(table.toString());
    // a file of another table, without the image column: its own error row, the rest goes on
    spark.range(3).toDF("id").coalesce(1).write().parquet(table.resolve("other").toString());

    Path out = tmp.resolve("out");
    JobRun run = JobRun.of("run", "--input-format", "parquet", "--input", table.toString(), "--output",
        out.toString(), "--scales", "2", "--keep-columns", "label", "--model", JobRun.ANALYTIC_MODEL);

    assertEquals(Main.OK, run.exitCode(), run.err());
    Map<String, Row> fields = fieldsByKey(out);
    assertEquals(samples.size(), fields.size(), fields.keySet().toString());
    for (int i = 0; i < samples.size(); i++) {
      String key = SAMPLES.relativize(samples.get(i)).toString();
      Row f = fields.get(key);
      assertEquals(sha256(samples.get(i)), f.getAs("source_sha256"), key + " from its own bytes (keyed by path)");
      assertEquals(Map.of("label", Integer.toString(i)), f.getJavaMap(f.fieldIndex(FieldTable.ATTRIBUTES)),
          key + " carries its row's label");
    }
    Map<String, Row> errors = errorsByKey(out);
    assertEquals("read.null-bytes", errors.get("missing.png").getAs("error_class"), errors.toString());
    assertEquals("decode.unrecognised", errors.get("garbage.jpg").getAs("error_class"), errors.toString());
    Row bad = errors.values().stream().filter(r -> "list.bad-table".equals(r.getAs("error_class"))).findFirst()
        .orElseThrow(() -> new AssertionError("no list.bad-table row: " + errors));
    assertTrue(bad.<String>getAs("message").contains("has no column 'image'"), bad.toString());
    assertEquals(3, errors.size(), errors.toString());
    assertEquals(samples.size(), manifestRows(out));
    for (Row m : SparkTestSession.get().read().schema(ManifestTable.SCHEMA)
        .parquet(out.resolve("manifest").toString()).collectAsList()) {
      String key = m.getAs("key");
      assertEquals(fields.get(key).getJavaMap(fields.get(key).fieldIndex(FieldTable.ATTRIBUTES)),
          m.getJavaMap(m.fieldIndex(FieldTable.ATTRIBUTES)), key + ": the manifest carries the kept label too");
    }

    JobRun again = JobRun.of("run", "--input-format", "parquet", "--input", table.toString(), "--output",
        out.toString(), "--scales", "2", "--model", JobRun.ANALYTIC_MODEL);
    assertEquals(Main.OK, again.exitCode(), again.err());
    assertTrue(again.out().contains("skipped " + samples.size() + " images already encoded"), again.out());
  }

  @Test
  void aKeyColumnOrTheRowIndexNamesTableImages() throws Exception {
    SparkSession spark = SparkTestSession.get();
    StructType schema = new StructType().add("id", DataTypes.LongType).add("jpeg", DataTypes.BinaryType);
    List<Path> samples = samples().subList(0, 3);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < samples.size(); i++) {
      rows.add(RowFactory.create(1000L + i, Files.readAllBytes(samples.get(i))));
    }
    Path table = tmp.resolve("ids");
    spark.createDataFrame(rows, schema).coalesce(1).write().parquet(table.toString());

    Path byId = tmp.resolve("by-id");
    JobRun run = JobRun.of("encode", "--input-format", "parquet", "--image-column", "jpeg", "--key-column", "id",
        "--input", table.toString(), "--fields", byId.resolve("fields").toString(), "--model", JobRun.ANALYTIC_MODEL);
    assertEquals(Main.OK, run.exitCode(), run.err());
    Map<String, Row> fields = readByKey(byId.resolve("fields"), FieldTable.SCHEMA);
    for (int i = 0; i < samples.size(); i++) {
      assertEquals(sha256(samples.get(i)), fields.get(Long.toString(1000L + i)).getAs("source_sha256"));
    }

    Path byIndex = tmp.resolve("by-index");
    run = JobRun.of("encode", "--input-format", "parquet", "--image-column", "jpeg", "--input", table.toString(),
        "--fields", byIndex.resolve("fields").toString(), "--model", JobRun.ANALYTIC_MODEL);
    assertEquals(Main.OK, run.exitCode(), run.err());
    Map<String, Row> indexed = readByKey(byIndex.resolve("fields"), FieldTable.SCHEMA);
    assertEquals(samples.size(), indexed.size(), indexed.keySet().toString());
    for (Row f : indexed.values()) { // "part-00000-....snappy/2": the file's key, then the row
      String key = f.getAs("key");
      int row = Integer.parseInt(key.substring(key.lastIndexOf('/') + 1));
      assertEquals(sha256(samples.get(row)), f.getAs("source_sha256"), key);
    }
  }

  @Test
  void columnOptionsNeedParquetInput() {
    JobRun run = JobRun.of("encode", "--input-format", "webdataset", "--image-column", "jpg", "--input", "x",
        "--fields", tmp.resolve("f").toString());
    assertEquals(Main.USAGE, run.exitCode());
    assertTrue(run.err().contains("--image-column is for --input-format parquet, not webdataset"), run.err());
  }

  /** Shards by make_shards.py (Python's tarfile); the image members it wrote, key to sample file. */
  static Map<String, String> makeShards(Path to) throws IOException, InterruptedException {
    Path script = Path.of("src/test/resources/packed/make_shards.py").toAbsolutePath();
    Process p = new ProcessBuilder("python3", script.toString(), SAMPLES.toString(), to.toString())
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String printed = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), "make_shards.py");
    Map<String, String> written = new TreeMap<>();
    printed.lines().map(l -> l.split("\t")).forEach(kv -> written.put(kv[0], kv[1]));
    return written;
  }

  private static List<Path> samples() throws IOException {
    try (Stream<Path> s = Files.walk(SAMPLES)) {
      return s.filter(Files::isRegularFile).sorted().toList();
    }
  }

  private static Map<String, Row> fieldsByKey(Path out) {
    return readByKey(out.resolve("fields"), FieldTable.SCHEMA);
  }

  private static Map<String, Row> errorsByKey(Path out) {
    return readByKey(out.resolve("errors"), ErrorRecord.SCHEMA);
  }

  private static Map<String, Row> readByKey(Path table, StructType schema) {
    return readByKey(table.toString(), schema);
  }

  static Map<String, Row> readByKey(String table, StructType schema) {
    Map<String, Row> byKey = new TreeMap<>();
    for (Row r : SparkTestSession.get().read().schema(schema).parquet(table).collectAsList()) {
      byKey.put(r.getAs("key"), r);
    }
    return byKey;
  }

  private static long manifestRows(Path out) {
    return SparkTestSession.get().read().schema(ManifestTable.SCHEMA).parquet(out.resolve("manifest").toString())
        .count();
  }

  static String sha256(Path p) throws IOException {
    return HadoopFiles.sha256Hex(Files.readAllBytes(p));
  }
}
