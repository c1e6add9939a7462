package dev.p2g.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.p2g.io.HadoopFiles;
import dev.p2g.job.tables.Fields;
import dev.p2g.job.tables.ShardSweep;
import dev.p2g.tables.ManifestTable;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The webdataset and parquet pyramid layouts, each rendered from the same stored fields as the
 * files layout and read back with readers of their own (Python's tarfile, Spark's Parquet
 * reader): every manifest row names a member or row holding the files layout's bytes. And their
 * exactly-once rules: leftovers of killed runs and failed task attempts are removed and never
 * named; a re-run that adds a level writes shards only in that level's folder.
 */
class PyramidLayoutTest {
  private static final String SCALES = "2,0.5";
  private static final int SHARD_SIZE = 3;
  /** Samples wider or taller than this are encoded in tiles and rendered in bands (the streamed path). */
  private static final String TILE = "200";

  @TempDir
  static Path tmp;
  static Path fields;
  static Path files;

  @BeforeAll
  static void encodeOnceAndRenderAsFiles() {
    fields = tmp.resolve("fields");
    JobRun encode = JobRun.of("encode", "--input", ResumeTest.SAMPLES.toString(), "--fields", fields.toString(),
        "--tile", TILE, "--model", JobRun.ANALYTIC_MODEL);
    assertEquals(Main.OK, encode.exitCode(), encode.err());
    files = tmp.resolve("files");
    JobRun render = render(files, "files", SCALES);
    assertEquals(Main.OK, render.exitCode(), render.err());
  }

  @Test
  void webdatasetMembersHoldTheFilesLayoutsImagesAndTheirMetadata() throws Exception {
    Path out = tmp.resolve("wds");
    Map<String, Row> expected = manifestByKeyAndLevel(files);
    Map<String, Row> got = renderLikeFiles(out, "webdataset");
    assertTrue(SparkTestSession.get().read().parquet(fields.toString()).filter(Fields.WHOLE).count() > 0
        && SparkTestSession.get().read().parquet(fields.toString()).filter(functions.not(Fields.WHOLE))
        .count() > 0, "some images are whole, some tiled (rendered in bands, streamed)");

    List<Path> tars = shards(out, ".tar");
    Map<String, JsonNode> members = new HashMap<>(); // "shard name/member" -> sha256, size, json
    for (JsonNode shard : readTars(tars)) {
      String name = Path.of(shard.get("path").asText()).getFileName().toString();
      assertTrue(shard.get("members").size() <= 2 * SHARD_SIZE, name + " holds at most --shard-size images");
      for (JsonNode m : shard.get("members")) {
        members.put(name + "/" + m.get("name").asText(), m);
      }
    }
    assertEquals(2 * got.size(), members.size(), "an image and a .json member per manifest row, nothing else");
    Map<String, String> sources = sourcesByKey();
    for (Map.Entry<String, Row> e : got.entrySet()) {
      Row m = e.getValue();
      Row files = expected.get(e.getKey());
      String key = m.getString(m.fieldIndex("key"));
      String level = m.getString(m.fieldIndex(ManifestTable.LEVEL));
      String path = m.getString(m.fieldIndex("path"));
      assertTrue(path.contains("/pyramid/" + level + "/") && path.endsWith(".tar"), path);
      assertNull(m.get(m.fieldIndex(ManifestTable.ROW_INDEX)));
      String member = m.getString(m.fieldIndex(ManifestTable.MEMBER));
      String shard = new org.apache.hadoop.fs.Path(path).getName();
      JsonNode image = members.get(shard + "/" + member);
      assertNotNull(image, "the manifest's member " + member + " is in " + shard);
      assertEquals(sha256(files), image.get("sha256").asText(), "the same bytes as the files layout: " + e.getKey());
      assertEquals(sha256(files), readBack(m), "the report's reader finds the member");
      assertEquals(m.getLong(m.fieldIndex("bytes")), image.get("size").asLong());

      // WebDataset's __key__: the member name up to the first dot of its file name
      String base = member.substring(member.lastIndexOf('/') + 1);
      String sampleKey = member.substring(0, member.lastIndexOf('/') + 1) + base.substring(0, base.indexOf('.'));
      assertEquals(dev.p2g.io.ImageKeys.stem(key), URLDecoder.decode(sampleKey, StandardCharsets.UTF_8),
          "the key without its extension, unescaped, as the files layout names the file");
      assertEquals("png", base.substring(base.indexOf('.') + 1));
      JsonNode json = members.get(shard + "/" + sampleKey + ".json").get("json");
      assertEquals(key, json.get("key").asText());
      assertEquals(level, json.get("level").asText());
      assertEquals(files.getInt(files.fieldIndex("width")), json.get("width").asInt());
      assertEquals(files.getInt(files.fieldIndex("height")), json.get("height").asInt());
      assertEquals(sources.get(key), json.get("source").asText());
      assertEquals(m.getString(m.fieldIndex("model_id")), json.get("model").asText());
    }
  }

  @Test
  void parquetRowsHoldTheFilesLayoutsImages() throws IOException {
    Path out = tmp.resolve("parquet");
    Map<String, Row> expected = manifestByKeyAndLevel(files);
    Map<String, Row> got = renderLikeFiles(out, "parquet");
    // Spark's own Parquet reader, with each row's file and position in it
    Map<String, Row> stored = new HashMap<>();
    int rows = 0;
    for (String level : List.of("x2", "x0.5")) {
      for (Row r : SparkTestSession.get().read().parquet(out.resolve("pyramid").resolve(level).toString())
          .selectExpr("key", "width", "height", "format", "image", "_metadata.file_name as file",
              "_metadata.row_index as row_index")
          .collectAsList()) {
        stored.put(level + "/" + r.getString(r.fieldIndex("file")) + "#" + r.getLong(r.fieldIndex("row_index")), r);
        rows++;
      }
    }
    assertEquals(got.size(), rows, "a row per manifest row, nothing else");
    for (Map.Entry<String, Row> e : got.entrySet()) {
      Row m = e.getValue();
      Row files = expected.get(e.getKey());
      String level = m.getString(m.fieldIndex(ManifestTable.LEVEL));
      String path = m.getString(m.fieldIndex("path"));
      assertTrue(path.contains("/pyramid/" + level + "/") && path.endsWith(".parquet"), path);
      assertNull(m.get(m.fieldIndex(ManifestTable.MEMBER)));
      Row r = stored.get(level + "/" + new org.apache.hadoop.fs.Path(path).getName() + "#"
          + m.getLong(m.fieldIndex(ManifestTable.ROW_INDEX)));
      assertNotNull(r, "the manifest's row " + m);
      assertEquals(m.getString(m.fieldIndex("key")), r.getString(r.fieldIndex("key")));
      assertEquals(files.getInt(files.fieldIndex("width")), r.getInt(r.fieldIndex("width")));
      assertEquals(files.getInt(files.fieldIndex("height")), r.getInt(r.fieldIndex("height")));
      assertEquals("png", r.getString(r.fieldIndex("format")));
      assertEquals(sha256(files), HexFormat.of().formatHex(HadoopFiles.sha256()
          .digest((byte[]) r.get(r.fieldIndex("image")))), "the same bytes as the files layout: " + e.getKey());
      assertEquals(sha256(files), readBack(m), "the report's reader finds the row");
    }
    for (String level : List.of("x2", "x0.5")) {
      long perLevel = got.keySet().stream().filter(k -> k.endsWith(" " + level)).count();
      assertTrue(shards(out.resolve("pyramid").resolve(level), ".parquet").size()
          >= (perLevel + SHARD_SIZE - 1) / SHARD_SIZE, "files roll at --shard-size rows");
    }
  }

  @Test
  void leftoverShardsOfKilledRunsAndFailedAttemptsAreRemovedAndNeverNamed() throws IOException {
    Path out = tmp.resolve("leftovers");
    assertEquals(Main.OK, render(out, "webdataset", "2").exitCode());
    Path level = out.resolve("pyramid/x2");
    List<Path> before = shards(level, ".tar");
    List<Path> leftovers = plantLeftovers(level, before.get(0));
    Path unfinished = leftovers.get(0);
    Path unnamed = leftovers.get(1);

    JobRun again = render(out, "webdataset", "2");
    assertEquals(Main.OK, again.exitCode(), again.err());
    assertTrue(again.out().contains("wrote 0 images"), again.out());
    assertFalse(Files.exists(unfinished), "the unfinished shard is removed");
    assertFalse(Files.exists(unnamed), "the shard no manifest row names is removed");
    assertEquals(before, shards(level, ".tar"), "the recorded shards stay");
    for (Row m : manifestByKeyAndLevel(out).values()) {
      assertTrue(before.stream().anyMatch(p -> m.getString(m.fieldIndex("path")).endsWith("/" + p.getFileName())),
          "the manifest names only the recorded shards: " + m);
    }
  }

  @Test
  void aRenderTaskKilledAfterFinishingShardsIsRetriedAndItsShardsAreRemoved() throws Exception {
    Path out = tmp.resolve("retried");
    List<Path> levels = List.of(out.resolve("pyramid/x2"), out.resolve("pyramid/x3"));
    org.apache.spark.SparkContext sc = SparkTestSession.get().sparkContext();
    // one task renders all 8 whole images at 2 levels, a shard each: killed once its first shard
    // is finished (renamed out of _tmp/), with most of its images ahead
    TaskRetryTest.KillOnce killer = new TaskRetryTest.KillOnce(sc, "p2g render: fields",
        () -> levels.stream().anyMatch(l -> shardsIn(l) > 0), true);
    sc.addSparkListener(killer);
    JobRun run;
    try {
      run = JobRun.of("run", "--input", ResumeTest.SAMPLES.toString(), "--output", out.toString(), "--scales", "2,3",
          "--partitions", "1", "--pyramid-layout", "webdataset", "--shard-size", "1", "--report", "off",
          "--model", JobRun.ANALYTIC_MODEL);
    } finally {
      sc.removeSparkListener(killer);
    }
    assertEquals(Main.OK, run.exitCode(), run.err());
    assertEquals(List.of("0 killed", "1 success"), killer.ends, "the render task was killed once, then retried");
    Map<String, Row> manifest = manifestByKeyAndLevel(out);
    assertEquals(16, manifest.size());
    java.util.Set<String> named = new java.util.TreeSet<>();
    manifest.values().forEach(m -> named.add(new org.apache.hadoop.fs.Path(m.getString(m.fieldIndex("path")))
        .getName()));
    java.util.Set<String> stored = new java.util.TreeSet<>();
    for (Path level : levels) {
      shards(level, ".tar").forEach(p -> stored.add(p.getFileName().toString()));
      assertEquals(0, shardsIn(level.resolve(dev.p2g.pyramid.ShardSink.TEMP_DIR)), "nothing unfinished in " + level);
    }
    assertEquals(named, stored, "the killed attempt's finished shards are removed; every shard left is named");
    assertTrue(named.stream().allMatch(n -> n.contains("-a1-")), "the rows name the retried attempt's shards");
    List<Path> tars = new ArrayList<>();
    levels.forEach(l -> tars.addAll(shardsUnchecked(l)));
    List<JsonNode> read = readTars(tars);
    for (Row m : manifest.values()) {
      String name = new org.apache.hadoop.fs.Path(m.getString(m.fieldIndex("path"))).getName();
      String member = m.getString(m.fieldIndex(ManifestTable.MEMBER));
      assertTrue(read.stream().anyMatch(s -> s.get("path").asText().endsWith("/" + name)
          && s.get("members").findValuesAsText("name").contains(member)), m.toString());
    }
  }

  private static List<Path> shardsUnchecked(Path dir) {
    try {
      return shards(dir, ".tar");
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static long shardsIn(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().endsWith(".tar")).count();
    } catch (IOException e) {
      return 0;
    }
  }

  @Test
  void aManifestWrittenBeforeTheShardColumnsStillReadsGrowsAndChangesLayout() throws IOException {
    Path out = tmp.resolve("old-manifest");
    assertEquals(Main.OK, render(out, "files", "2").exitCode());
    // the table as an earlier version wrote it: no member, no row_index
    String manifest = out.resolve("manifest").toString();
    String old = out.resolve("manifest-old").toString();
    SparkTestSession.get().read().schema(ManifestTable.SCHEMA).parquet(manifest)
        .drop(ManifestTable.MEMBER, ManifestTable.ROW_INDEX)
        .write().partitionBy(ManifestTable.LEVEL).parquet(old);
    org.apache.commons.io.FileUtils.deleteDirectory(out.resolve("manifest").toFile());
    Files.move(Path.of(old), out.resolve("manifest"));
    assertFalse(List.of(SparkTestSession.get().read().parquet(manifest).columns()).contains(ManifestTable.MEMBER));

    // x2 asked for in another layout: rendered again as shards, its files removed; x0.5 added
    JobRun more = render(out, "webdataset", "2,0.5");
    assertEquals(Main.OK, more.exitCode(), more.err());
    assertTrue(more.out().contains("wrote 16 images"), more.out());
    assertEquals(0, stored(out.resolve("pyramid/x2"), ".png"), "the files layout's images are removed");
    for (Row m : manifestByKeyAndLevel(out).values()) {
      assertFalse(m.isNullAt(m.fieldIndex(ManifestTable.MEMBER)), m.toString());
      assertTrue(Files.exists(Path.of(new org.apache.hadoop.fs.Path(m.getString(m.fieldIndex("path"))).toUri()
          .getPath())), m.toString());
    }
  }

  @Test
  void aRerunAddingALevelWritesShardsOnlyForThatLevelAndAnotherLayoutReplacesTheLevel() throws IOException {
    Path out = tmp.resolve("addlevel");
    assertEquals(Main.OK, render(out, "webdataset", "2").exitCode());
    Map<String, FileTime> x2 = ResumeTest.modificationTimes(out.resolve("pyramid/x2"));
    JobRun more = render(out, "webdataset", "2,0.5");
    assertEquals(Main.OK, more.exitCode(), more.err());
    assertEquals(x2, ResumeTest.modificationTimes(out.resolve("pyramid/x2")), "no x2 shard was written, renamed or removed");
    List<Path> added = shards(out.resolve("pyramid/x0.5"), ".tar");
    assertFalse(added.isEmpty());
    Map<String, Row> manifest = manifestByKeyAndLevel(out);
    assertEquals(2 * manifest.values().stream().filter(m -> m.getString(m.fieldIndex("level")).equals("x2")).count(),
        manifest.size());
    for (Row m : manifest.values()) {
      String level = m.getString(m.fieldIndex(ManifestTable.LEVEL));
      Path shard = Path.of(new org.apache.hadoop.fs.Path(m.getString(m.fieldIndex("path"))).toUri().getPath());
      assertEquals(out.resolve("pyramid").resolve(level), shard.getParent(), "a row names its own level's shard");
      assertTrue(Files.exists(shard), shard.toString());
    }

    // x2 asked for as files: its shards go; x0.5, outside the command, is swept all the same
    Path x05 = out.resolve("pyramid/x0.5");
    List<Path> leftovers = plantLeftovers(x05, added.get(0));
    Path unfinished = leftovers.get(0);
    Path unnamed = leftovers.get(1);
    JobRun files = render(out, "files", "2");
    assertEquals(Main.OK, files.exitCode(), files.err());
    Path level2 = out.resolve("pyramid/x2");
    long images = manifest.size() / 2;
    assertTrue(files.out().contains("wrote " + images + " images"), files.out());
    assertEquals(0, stored(level2, ".tar"), "the shards of the old layout are removed");
    assertEquals(images, stored(level2, ".png"));
    assertFalse(Files.exists(level2.resolve(ShardSweep.MARKER)), "x2 holds no shard any more: no marker");
    assertFalse(Files.exists(unfinished), "x0.5's unfinished shard is removed, though x0.5 is not rendered");
    assertFalse(Files.exists(unnamed), "x0.5's shard no manifest row names is removed");
    assertEquals(added, shards(x05, ".tar"), "x0.5's recorded shards stay");
  }

  /**
   * What a killed task and a failed attempt leave in a level folder: an unfinished shard under
   * _tmp/, and a finished shard (a copy of shard) whose attempt's rows were never committed.
   */
  private static List<Path> plantLeftovers(Path level, Path shard) throws IOException {
    Path unfinished = level.resolve("_tmp/part-00000-a0-killed-00000.tar");
    Files.createDirectories(unfinished.getParent());
    Files.write(unfinished, new byte[1000]);
    Path unnamed = level.resolve("part-00001-a0-failedattempt-00000.tar");
    Files.copy(shard, unnamed);
    return List.of(unfinished, unnamed);
  }

  /** Files under a level folder (any depth, _tmp/ aside) whose names end in suffix. */
  private static long stored(Path level, String suffix) throws IOException {
    try (Stream<Path> s = Files.walk(level)) {
      return s.filter(p -> p.toString().endsWith(suffix) && !p.toString().contains("/_tmp/")).count();
    }
  }

  /** Renders the fields at SCALES in a layout; its manifest rows, checked to be the files layout's images and levels. */
  private static Map<String, Row> renderLikeFiles(Path out, String layout) {
    JobRun run = render(out, layout, SCALES);
    assertEquals(Main.OK, run.exitCode(), run.err());
    Map<String, Row> got = manifestByKeyAndLevel(out);
    assertEquals(manifestByKeyAndLevel(files).keySet(), got.keySet(),
        "one manifest row per image and level, as in the files layout");
    return got;
  }

  static JobRun render(Path out, String layout, String scales) {
    return JobRun.of("render", "--fields", fields.toString(), "--output", out.toString(), "--scales", scales,
        "--pyramid-layout", layout, "--shard-size", Integer.toString(SHARD_SIZE), "--report", "off");
  }

  static Map<String, Row> manifestByKeyAndLevel(Path out) {
    Map<String, Row> rows = new TreeMap<>();
    for (Row r : SparkTestSession.get().read().schema(ManifestTable.SCHEMA)
        .parquet(out.resolve("manifest").toString()).collectAsList()) {
      Row old = rows.put(r.getString(r.fieldIndex("key")) + " " + r.getString(r.fieldIndex(ManifestTable.LEVEL)), r);
      assertNull(old, "one row per image and level");
    }
    return rows;
  }

  private static Map<String, String> sourcesByKey() {
    Map<String, String> out = new HashMap<>();
    for (Row r : SparkTestSession.get().read().parquet(fields.toString()).select("key", "source_uri")
        .distinct().collectAsList()) {
      out.put(r.getString(0), r.getString(1));
    }
    return out;
  }

  /** A manifest row's image as the report reads it (PyramidImages), hashed. */
  private static String readBack(Row m) throws IOException {
    Object row = m.get(m.fieldIndex(ManifestTable.ROW_INDEX));
    return HexFormat.of().formatHex(HadoopFiles.sha256().digest(dev.p2g.pyramid.PyramidImages.read(
        m.getString(m.fieldIndex("path")), m.getString(m.fieldIndex("key")), m.getString(m.fieldIndex(ManifestTable.MEMBER)),
        (Long) row, new org.apache.hadoop.conf.Configuration(), Long.MAX_VALUE)));
  }

  /** The files layout's image of a manifest row, hashed. */
  private static String sha256(Row filesRow) throws IOException {
    Path image = Path.of(new org.apache.hadoop.fs.Path(filesRow.getString(filesRow.fieldIndex("path"))).toUri()
        .getPath());
    return HexFormat.of().formatHex(HadoopFiles.sha256().digest(Files.readAllBytes(image)));
  }

  /** Shard files (by extension) anywhere under dir, temporary ones left out, in name order. */
  static List<Path> shards(Path dir, String extension) throws IOException {
    try (Stream<Path> all = Files.walk(dir)) {
      return all.filter(Files::isRegularFile).filter(p -> p.toString().endsWith(extension))
          .filter(p -> !p.toString().contains("/_tmp/")).sorted().toList();
    }
  }

  /** Each shard's members as Python's tarfile reads them (read_shards.py). */
  static List<JsonNode> readTars(List<Path> tars) throws Exception {
    Path script = Files.createTempFile("read_shards", ".py"); // callers of other classes have no tmp here
    script.toFile().deleteOnExit();
    try (var in = PyramidLayoutTest.class.getResourceAsStream("read_shards.py")) {
      Files.copy(in, script, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
    List<String> command = new ArrayList<>(List.of("python3", script.toString()));
    tars.forEach(t -> command.add(t.toString()));
    Process p = new ProcessBuilder(command).redirectErrorStream(false).start();
    String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String stderr = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), "python3 tarfile could not read the shards: " + stderr);
    ObjectMapper json = new ObjectMapper();
    List<JsonNode> out = new ArrayList<>();
    for (String line : stdout.split("\n")) {
      if (!line.isBlank()) {
        out.add(json.readTree(line));
      }
    }
    assertEquals(tars.size(), out.size());
    return out;
  }
}
