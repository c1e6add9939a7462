package dev.p2g.job.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.p2g.io.HadoopFiles;
import dev.p2g.io.OutputLayout;
import dev.p2g.job.SparkTestSession;
import dev.p2g.job.cli.JobConfig;
import dev.p2g.job.sources.ImageListing;
import dev.p2g.job.tables.DriverTable;
import dev.p2g.job.tables.Manifest;
import dev.p2g.pyramid.PyramidLayout;
import dev.p2g.render.DevicePolicy;
import dev.p2g.render.OutputFormat;
import dev.p2g.render.Scale;
import dev.p2g.spark.EncodePartition;
import dev.p2g.spark.RenderSettings;
import dev.p2g.tables.ErrorRecord;
import dev.p2g.tables.FieldTable;
import dev.p2g.tables.ManifestTable;
import dev.p2g.tables.SourceCheckTable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.apache.spark.util.SerializableConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The driver's plans of small tables (DriverTable, DriverEncodePlan, DriverRenderPlan) against
 * Spark's queries over the same tables: every case the rules tell apart, the same answers.
 */
class DriverPlanTest {
  private static final String MODEL = "m".repeat(64);
  private static final Timestamp EARLIER = new Timestamp(1_700_000_000_123L);

  @TempDir
  Path tmp;

  /** A listed image: a real file (hashing reads it), with the listing the test gives it. */
  private Row listed(String key, String content, long modified, String etag) throws Exception {
    Path file = tmp.resolve("in").resolve(key);
    Files.createDirectories(file.getParent());
    Files.writeString(file, content);
    return new GenericRowWithSchema(new Object[] {file.toUri().toString(), key, (long) content.length(), modified,
        etag, null, null, null}, EncodePartition.INPUT);
  }

  /** A fields/ row (params empty: planning never reads them). */
  private static Row field(Row image, String sha, String model, int width, int tileX, int tileW, Long size) {
    return RowFactory.create(image.getAs("key"), image.getAs("uri"), sha, size, image.getAs("source_modified"),
        image.getAs("source_etag"), model, 1, width, 64, tileX, 0, tileW, 64, 2, "q8", "none", EARLIER, null, 1.0,
        new byte[0], "cpu", null);
  }

  private static String sha(String content) {
    return HadoopFiles.sha256Hex(content.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void encodePlansAgree() throws Exception {
    SparkSession spark = SparkTestSession.get();
    Row fresh = listed("a-new.png", "aaaa", 1, null);
    Row same = listed("b-same.png", "bbbb", 2, "e1");
    Row touched = listed("c-touched.png", "cccc", 30, null); // time differs, bytes the same: hashed, unchanged
    Row edited = listed("d-edited.png", "dddd", 40, null); // time differs, bytes too: hashed, changed
    Row tiles = listed("e-tiles.png", "eeee", 5, null); // 1 of its 2 tiles stored
    Row otherModel = listed("f-other.png", "ffff", 6, null);
    Row vouched = listed("g-vouched.png", "gggg", 70, null); // time differs, a check vouches for this listing
    Row etag = listed("h-etag.png", "hhhh", 8, null); // no ETag now, one stored: equal as far as known
    Row old = listed("i-old.png", "iiii", 9, null); // a field from before listings were recorded: size null
    List<Row> images = List.of(fresh, same, touched, edited, tiles, otherModel, vouched, etag, old);
    List<Row> fields = new ArrayList<>();
    fields.add(field(same, sha("bbbb"), MODEL, 64, 0, 64, 4L));
    fields.add(field(withListing(touched, 3), sha("cccc"), MODEL, 64, 0, 64, 4L));
    fields.add(field(withListing(edited, 4), sha("dddd-before"), MODEL, 64, 0, 64, 4L));
    fields.add(field(tiles, sha("eeee"), MODEL, 128, 0, 64, 4L));
    fields.add(field(otherModel, sha("ffff"), "x".repeat(64), 64, 0, 64, 4L));
    fields.add(field(withListing(vouched, 7), sha("gggg"), MODEL, 64, 0, 64, 4L));
    fields.add(field(withEtag(etag, "e9"), sha("hhhh"), MODEL, 64, 0, 64, 4L));
    fields.add(field(old, sha("iiii"), MODEL, 64, 0, 64, null));
    String fieldsUri = tmp.resolve("fields").toUri().toString();
    spark.createDataFrame(fields, FieldTable.SCHEMA).coalesce(2).write().parquet(fieldsUri);
    spark.createDataFrame(List.of(RowFactory.create("g-vouched.png", vouched.getAs("uri"), 4L, 70L, null,
        sha("gggg"), EARLIER)), SourceCheckTable.SCHEMA).write().parquet(SourceCheckTable.uri(fieldsUri));

    for (boolean verify : new boolean[] {false, true}) {
      EncodePlan.Pending onDriver = encodePlan(spark, images, fieldsUri, verify, DriverTable.MAX_ROWS);
      EncodePlan.Pending bySpark = encodePlan(spark, images, fieldsUri, verify, 0);
      assertEquals(keys(bySpark.local()), keys(onDriver.local()), "to encode, verify " + verify);
      assertEquals(List.of(bySpark.todoCount(), bySpark.skipped(), bySpark.hashed(), bySpark.changed()),
          List.of(onDriver.todoCount(), onDriver.skipped(), onDriver.hashed(), onDriver.changed()));
      assertEquals(bySpark.replaces(), onDriver.replaces());
    }
    EncodePlan.Pending plan = encodePlan(spark, images, fieldsUri, false, DriverTable.MAX_ROWS);
    assertEquals(new TreeSet<>(List.of("a-new.png", "d-edited.png", "e-tiles.png", "f-other.png")),
        keys(plan.local()), "the cases themselves");
    assertEquals(3, plan.hashed(), "c, d and i: their listings differ from their fields'");
    assertTrue(plan.replaces(), "d, e and f have rows that their new rows supersede");
  }

  private EncodePlan.Pending encodePlan(SparkSession spark, List<Row> images, String fieldsUri, boolean verify,
      long maxRows) throws Exception {
    spark.conf().set(DriverTable.ROWS_KEY, Long.toString(maxRows));
    try {
      ImageListing.Listing listing = new ImageListing.Listing(
          () -> spark.createDataFrame(images, EncodePartition.INPUT),
          () -> spark.createDataFrame(List.of(), ErrorRecord.SCHEMA), images.size(), 36, 0, 0, 0, List.of(), images);
      Broadcast<SerializableConfiguration> conf = JavaSparkContext.fromSparkContext(spark.sparkContext())
          .broadcast(new SerializableConfiguration(spark.sparkContext().hadoopConfiguration()));
      // the source checks the first plan writes would vouch for the second: each plan gets its own copy
      Path from = Path.of(java.net.URI.create(fieldsUri));
      Path to = tmp.resolve("fields-" + maxRows + "-" + verify + "-" + System.nanoTime());
      try (java.util.stream.Stream<Path> files = Files.walk(from)) {
        for (Path f : files.toList()) {
          Files.copy(f, to.resolve(from.relativize(f).toString()));
        }
      }
      String copy = to.toUri().toString();
      return EncodePlan.plan(spark, listing, true, true, copy, MODEL, verify, new Timestamp(System.currentTimeMillis()),
          JobConfig.MAX_FILE_BYTES, null, conf, spark.sparkContext().longAccumulator());
    } finally {
      spark.conf().unset(DriverTable.ROWS_KEY);
    }
  }

  private static Row withListing(Row image, long modified) {
    Object[] v = ((GenericRowWithSchema) image).values().clone();
    v[image.fieldIndex("source_modified")] = modified;
    return new GenericRowWithSchema(v, EncodePartition.INPUT);
  }

  private static Row withEtag(Row image, String etag) {
    Object[] v = ((GenericRowWithSchema) image).values().clone();
    v[image.fieldIndex("source_etag")] = etag;
    return new GenericRowWithSchema(v, EncodePartition.INPUT);
  }

  private static TreeSet<String> keys(List<Row> rows) {
    TreeSet<String> keys = new TreeSet<>();
    rows.forEach(r -> keys.add(r.getAs("key")));
    return keys;
  }

  @Test
  void renderPlansAgree() throws Exception {
    SparkSession spark = SparkTestSession.get();
    String fieldsUri = tmp.resolve("out/fields").toUri().toString();
    String manifestUri = tmp.resolve("out/manifest").toUri().toString();
    List<Row> fields = new ArrayList<>();
    for (String key : List.of("a", "b", "c", "d", "e")) {
      Row image = listed(key + ".png", key, 1, null);
      fields.add(field(image, sha(key), MODEL, 64, 0, 64, 1L));
    }
    Row big = listed("t.png", "t", 1, null); // two tiles
    fields.add(field(big, sha("t"), MODEL, 128, 0, 64, 1L));
    fields.add(field(big, sha("t"), MODEL, 128, 64, 64, 1L));
    spark.createDataFrame(fields, FieldTable.SCHEMA).repartition(3).write().parquet(fieldsUri);
    List<Row> manifest = new ArrayList<>();
    manifest.add(manifestRow("a", "x2", "png", sha("a"))); // a: both levels done
    manifest.add(manifestRow("a", "x0.5", "png", sha("a")));
    manifest.add(manifestRow("b", "x2", "png", sha("b"))); // b: one level
    manifest.add(manifestRow("c", "x2", "jpg", sha("c"))); // c: another format: replaced
    manifest.add(manifestRow("d", "x2", "png", sha("d-old"))); // d: another source: replaced
    manifest.add(manifestRow("e", "x3", "png", sha("e"))); // e: another level only
    manifest.add(manifestRow("t", "x2", "png", sha("t")));
    spark.createDataFrame(manifest, ManifestTable.SCHEMA).write().partitionBy(ManifestTable.LEVEL)
        .parquet(manifestUri);
    RenderSettings settings = new RenderSettings(List.of(Scale.parse("2"), Scale.parse("0.5")),
        OutputFormat.parse("png"), new OutputLayout(tmp.resolve("out").toUri().toString()), DevicePolicy.CPU, 0,
        EARLIER);
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    RenderPlan onDriver = DriverRenderPlan.plan(
        DriverTable.read(fieldsUri, DriverRenderPlan.FIELD_COLUMNS, DriverTable.MAX_ROWS, hadoop).orElseThrow(),
        DriverTable.read(manifestUri, DriverRenderPlan.MANIFEST_COLUMNS, DriverTable.MAX_ROWS, hadoop).orElseThrow(),
        settings);
    Dataset<Row> stored = spark.read().schema(FieldTable.SCHEMA).parquet(fieldsUri);
    RenderPlan bySpark = RenderPlan.of(stored, Manifest.doneLevels(spark, manifestUri, settings),
        settings);
    assertEquals(bySpark.files(), onDriver.files());
    assertEquals(List.of(5L, 2L), List.of(bySpark.wholeFields(), bySpark.tileRows()));
    assertEquals(List.of(bySpark.wholeFields(), bySpark.tileRows()),
        List.of(onDriver.wholeFields(), onDriver.tileRows()));
    assertTrue(bySpark.replaces(), "Spark's plan does not ask: the compaction after the chunks looks");
    assertTrue(onDriver.replaces(), "c (another format) and d (another source) have rows their new rows supersede");
    assertTrue(onDriver.tiledWork(), "t has one level of two: the tiled path has work");
    RenderSettings newLevel = new RenderSettings(List.of(Scale.parse("5")), OutputFormat.parse("png"),
        settings.layout(), DevicePolicy.CPU, 0, EARLIER);
    assertFalse(DriverRenderPlan.plan(
        DriverTable.read(fieldsUri, DriverRenderPlan.FIELD_COLUMNS, DriverTable.MAX_ROWS, hadoop).orElseThrow(),
        DriverTable.read(manifestUri, DriverRenderPlan.MANIFEST_COLUMNS, DriverTable.MAX_ROWS, hadoop).orElseThrow(),
        newLevel).replaces(), "a level no key has yet: nothing to supersede");
    assertEquals(0, onDriver.tiledDone());
  }

  /** A level stored in another pyramid layout is not done: both plans render it again. */
  @Test
  void renderPlansAgreeThatAnotherLayoutIsNotDone() throws Exception {
    SparkSession spark = SparkTestSession.get();
    String fieldsUri = tmp.resolve("layouts/fields").toUri().toString();
    String manifestUri = tmp.resolve("layouts/manifest").toUri().toString();
    List<Row> fields = new ArrayList<>();
    List<Row> manifest = new ArrayList<>();
    for (String key : List.of("a", "b", "c")) {
      fields.add(field(listed(key + ".png", key, 1, null), sha(key), MODEL, 64, 0, 64, 1L));
      Row files = manifestRow(key, "x2", "png", sha(key));
      Object[] inShard = new Object[files.size()];
      for (int i = 0; i < inShard.length; i++) {
        inShard[i] = files.get(i);
      }
      inShard[ManifestTable.SCHEMA.fieldIndex(ManifestTable.MEMBER)] = key + ".png"; // a tar member: webdataset
      manifest.add(RowFactory.create(inShard));
    }
    spark.createDataFrame(fields, FieldTable.SCHEMA).repartition(2).write().parquet(fieldsUri);
    spark.createDataFrame(manifest, ManifestTable.SCHEMA).write().partitionBy(ManifestTable.LEVEL)
        .parquet(manifestUri);
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    Dataset<Row> stored = spark.read().schema(FieldTable.SCHEMA).parquet(fieldsUri);
    for (PyramidLayout layout : PyramidLayout.values()) {
      RenderSettings settings = new RenderSettings(List.of(Scale.parse("2")), OutputFormat.parse("png"),
          new OutputLayout(tmp.resolve("layouts").toUri().toString()), DevicePolicy.CPU, 0, EARLIER, layout, 10);
      RenderPlan onDriver = DriverRenderPlan.plan(
          DriverTable.read(fieldsUri, DriverRenderPlan.FIELD_COLUMNS, DriverTable.MAX_ROWS, hadoop).orElseThrow(),
          DriverTable.read(manifestUri, DriverRenderPlan.MANIFEST_COLUMNS, DriverTable.MAX_ROWS, hadoop).orElseThrow(),
          settings);
      RenderPlan bySpark = RenderPlan.of(stored, Manifest.doneLevels(spark, manifestUri, settings), settings);
      assertEquals(layout == PyramidLayout.WEBDATASET ? 0 : 3, onDriver.toRender(), layout.cliName());
      assertEquals(bySpark.files(), onDriver.files(), layout.cliName());
      assertEquals(layout != PyramidLayout.WEBDATASET, onDriver.replaces(), layout.cliName());
    }
  }

  private static Row manifestRow(String image, String level, String format, String sha) {
    String key = image.contains(".") ? image : image + ".png";
    return RowFactory.create(key, level.substring(1), 2.0, 2.0, "/p/" + key, 1, 1, format, 10L, 1.0, "cpu", sha,
        MODEL, EARLIER, level, null, null, null);
  }

  private static String byName(Row r, org.apache.spark.sql.types.StructType columns) {
    StringBuilder text = new StringBuilder();
    for (String name : columns.fieldNames()) {
      text.append(name).append('=').append((Object) r.getAs(name)).append(';');
    }
    return text.toString();
  }

  /** Every type the driver reads, nulls, INT96 timestamps and name=value folders, as Spark reads them. */
  @Test
  void aSmallTableReadsAsSparkReadsIt() throws Exception {
    SparkSession spark = SparkTestSession.get();
    String uri = tmp.resolve("manifest").toUri().toString();
    List<Row> rows = List.of(manifestRow("k1", "x2", "png", "s1"), manifestRow("k2", "x0.5", "jpg", "s2"),
        RowFactory.create("k3", "3", 3.0, 3.0, "/p/k3", 3, 3, "png", 30L, 3.5, "cuda:0", "s3", MODEL,
            new Timestamp(1_234_567_890_123L), "x3", "member", 7L, null));
    spark.createDataFrame(rows, ManifestTable.SCHEMA).write().partitionBy(ManifestTable.LEVEL).parquet(uri);
    org.apache.spark.sql.types.StructType columns = new org.apache.spark.sql.types.StructType(
        java.util.Arrays.stream(ManifestTable.SCHEMA.fields()).filter(f -> !f.name().equals(FieldTable.ATTRIBUTES))
            .toArray(org.apache.spark.sql.types.StructField[]::new));
    Optional<List<Row>> read = DriverTable.read(uri, columns, DriverTable.MAX_ROWS,
        spark.sparkContext().hadoopConfiguration());
    List<String> expected = new ArrayList<>();
    for (Row r : spark.read().schema(ManifestTable.SCHEMA).parquet(uri).collectAsList()) {
      expected.add(byName(r, columns));
    }
    List<String> got = new ArrayList<>();
    for (Row r : read.orElseThrow()) {
      got.add(byName(r, columns));
    }
    assertEquals(new TreeSet<>(expected), new TreeSet<>(got));
    assertEquals(3, got.size());
    assertTrue(DriverTable.read(uri, columns, 2, new Configuration()).isEmpty(), "over the row limit: Spark's");
    assertEquals(Optional.of(List.of()), DriverTable.read(tmp.resolve("none").toUri().toString(), columns, 10,
        new Configuration()), "a table not there has no rows");
    assertFalse(DriverTable.read(uri, columns, 0, new Configuration()).isPresent(), "limit 0: always Spark");
  }
}
