package dev.p2g.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.p2g.io.ImageKeys;
import dev.p2g.render.Scale;
import dev.p2g.sql.P2gFunctions;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The SQL functions, called through SQL text against fields the job stored: each result against
 * what the job itself wrote (pyramid files byte for byte, fields rows), each bad argument against
 * its message.
 */
class SqlFunctionsTest {
  private static final Path SAMPLES = Path.of("../sample-data/images");
  private static final List<String> SCALES = List.of("2", "0.5", "2x3");
  /** The smallest sample: encoded with the default model by the job and by p2g_encode. */
  private static final String SMALL = "test-card.png";

  @TempDir
  static Path tmp;
  static Path out;
  static Path jpg;
  static long images;

  @BeforeAll
  static void runTheJobAndRegister() throws IOException {
    try (java.util.stream.Stream<Path> s = Files.walk(SAMPLES)) {
      images = s.filter(Files::isRegularFile).count();
    }
    out = tmp.resolve("out");
    // the analytic model for the job and p2g_encode_with alike (what is tested is the functions);
    // the default model, p2g_encode's, for one small image
    JobRun run = JobRun.of("run", "--input", SAMPLES.toString(), "--output", out.toString(),
        "--scales", String.join(",", SCALES), "--device", "cpu", "--model", JobRun.ANALYTIC_MODEL);
    assertEquals(Main.OK, run.exitCode(), run.err());
    JobRun byDefault = JobRun.of("encode", "--input", SAMPLES.resolve(SMALL).toString(), "--fields",
        tmp.resolve("default/fields").toString(), "--device", "cpu", "--model-precision", "fp32"); // as p2g_encode
    assertEquals(Main.OK, byDefault.exitCode(), byDefault.err());
    jpg = tmp.resolve("jpg");
    JobRun render = JobRun.of("render", "--fields", out.resolve("fields").toString(), "--output", jpg.toString(),
        "--scales", "2", "--format", "jpg", "--device", "cpu");
    assertEquals(Main.OK, render.exitCode(), render.err());
    JobRun tiled = JobRun.of("encode", "--input", SAMPLES.resolve("grey-weave.png").toString(), "--fields",
        tmp.resolve("tiled/fields").toString(), "--tile", "128", "--device", "cpu", "--model", JobRun.ANALYTIC_MODEL);
    assertEquals(Main.OK, tiled.exitCode(), tiled.err());
    P2gFunctions.register(spark());
    spark().read().parquet(out.resolve("fields").toString()).createOrReplaceTempView("fields");
    spark().read().parquet(tmp.resolve("tiled/fields").toString()).createOrReplaceTempView("tiled");
    spark().read().format("binaryFile").option("recursiveFileLookup", "true").load(SAMPLES.toString())
        .createOrReplaceTempView("images");
  }

  @Test
  void renderEqualsTheJobsPyramidByteForByte() throws IOException {
    for (String text : SCALES) {
      Scale s = Scale.parse(text);
      List<Row> rows = sql("SELECT key, p2g_render(struct(*), '" + text + "') AS png FROM fields");
      assertEquals(images, rows.size());
      for (Row r : rows) {
        byte[] written = Files.readAllBytes(file(out, s, r.getString(0), "png"));
        assertArrayEquals(written, (byte[]) r.get(1), r.getString(0) + " at " + text);
      }
    }
    for (Row r : sql("SELECT key, p2g_render_as(struct(*), '2', 'jpg') FROM fields")) {
      assertArrayEquals(Files.readAllBytes(file(jpg, Scale.parse("2"), r.getString(0), "jpg")), (byte[]) r.get(1),
          r.getString(0) + " as jpg");
    }
  }

  @Test
  void sizeAndInfoSayWhatTheRowAndTheRenderHold() throws IOException {
    List<Row> rows = sql("SELECT key, p2g_render_size(struct(*), '2x3') AS size, p2g_field_info(struct(*)) AS info,"
        + " model_id, k, width, height, codec, length(params) FROM fields");
    for (Row r : rows) {
      BufferedImage img = ImageIO.read(file(out, Scale.parse("2x3"), r.getString(0), "png").toFile());
      Row size = r.getStruct(1);
      assertEquals(img.getWidth(), size.getInt(size.fieldIndex("width")), r.getString(0));
      assertEquals(img.getHeight(), size.getInt(size.fieldIndex("height")), r.getString(0));
      Row info = r.getStruct(2);
      assertEquals(r.getString(3), info.getString(info.fieldIndex("model_id")));
      assertEquals(r.getInt(4), info.getInt(info.fieldIndex("k")));
      assertEquals(r.getInt(5), info.getInt(info.fieldIndex("width")));
      assertEquals(r.getInt(6), info.getInt(info.fieldIndex("height")));
      assertEquals(r.getString(7), info.getString(info.fieldIndex("codec")));
      assertEquals(r.getInt(8), info.getLong(info.fieldIndex("bytes")));
      assertFalse(info.getBoolean(info.fieldIndex("tiled")));
    }
    assertTrue(sql("SELECT p2g_field_info(struct(*)).tiled FROM tiled").stream().allMatch(r -> r.getBoolean(0)));
  }

  @Test
  void encodeFromBinaryFileEqualsTheJobsFieldAndRendersTheSame() throws IOException {
    Map<String, byte[]> stored = new HashMap<>();
    for (Row r : sql("SELECT source_sha256, params FROM fields")) {
      stored.put(r.getString(0), (byte[]) r.get(1));
    }
    List<Row> rows = sql("SELECT path, f.key, f.params, p2g_render(f, '2') FROM"
        + " (SELECT path, p2g_encode_with(content, '" + JobRun.ANALYTIC_MODEL + "') AS f FROM images)");
    assertEquals(images, rows.size());
    for (Row r : rows) {
      assertArrayEquals(stored.get(r.getString(1)), (byte[]) r.get(2), r.getString(0) + ": the job's field");
      String key = sql("SELECT key FROM fields WHERE source_sha256 = '" + r.getString(1) + "'").get(0).getString(0);
      assertArrayEquals(Files.readAllBytes(file(out, Scale.parse("2"), key, "png")), (byte[]) r.get(3), key);
    }
    Row byDefault = sql("SELECT p2g_encode(content) AS f FROM images WHERE path LIKE '%" + SMALL + "'").get(0)
        .getStruct(0);
    Row jobs = spark().read().parquet(tmp.resolve("default/fields").toString()).select("source_sha256", "params")
        .first();
    assertEquals(jobs.getString(0), byDefault.getString(byDefault.fieldIndex("source_sha256")));
    assertArrayEquals((byte[]) jobs.get(1), (byte[]) byDefault.get(byDefault.fieldIndex("params")),
        "p2g_encode with the built-in model: the job's field");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "SELECT p2g_render(struct(*), 'abc') FROM fields              | p2g_render: not a scale: 'abc'",
      "SELECT p2g_render(struct(*), '-2') FROM fields               | p2g_render: not a scale: '-2'",
      "SELECT p2g_render(struct(*), NULL) FROM fields               | p2g_render: the scale is null",
      "SELECT p2g_render(NULL, '2') FROM fields                     | p2g_render: the field is null",
      "SELECT p2g_render(named_struct('a', 1), '2') FROM fields     | p2g_render: not a p2g field",
      "SELECT p2g_render(struct(*), '2') FROM tiled                 | render tiled images with the render command",
      "SELECT p2g_render_as(struct(*), '2', 'gif') FROM fields      | p2g_render_as: unknown output format 'gif'",
      "SELECT p2g_render_as(struct(*), '2', NULL) FROM fields       | p2g_render_as: the format is null",
      "SELECT p2g_render_size(struct(*), '0') FROM fields           | p2g_render_size: not a scale: '0'",
      "SELECT p2g_field_info(NULL) FROM fields                      | p2g_field_info: the field is null",
      "SELECT p2g_encode(CAST('not an image' AS BINARY)) FROM fields | p2g_encode: decode.",
      "SELECT p2g_encode(NULL) FROM fields                          | p2g_encode: the image bytes are null",
      "SELECT p2g_encode_with(content, '/no/such.onnx') FROM images | p2g_encode_with: cannot read the model /no/such.onnx",
      "SELECT p2g_encode_with(content, NULL) FROM images            | p2g_encode_with: the model is null",
  })
  void badArgumentsFailTheQueryWithAMessageThatSaysWhatToDo(String query, String expected) {
    String messages = messages(assertThrows(Exception.class, () -> spark().sql(query).collectAsList()));
    assertTrue(messages.contains(expected), messages);
  }

  @Test
  void aLargeImageIsRefusedByEncodeWithTheCommandToUse() throws IOException {
    Path big = tmp.resolve("big/wide.png");
    Files.createDirectories(big.getParent());
    ImageIO.write(new BufferedImage(600, 40, BufferedImage.TYPE_INT_RGB), "png", big.toFile());
    String messages = messages(assertThrows(Exception.class, () -> spark().read().format("binaryFile")
        .load(big.toString()).selectExpr("p2g_encode(content)").collectAsList()));
    assertTrue(messages.contains("encode it with the encode command"), messages);
  }

  /** The messages of an exception and its causes: Spark wraps the function's own error. */
  private static String messages(Throwable e) {
    StringBuilder b = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      b.append(t.getMessage()).append('\n');
    }
    return b.toString();
  }

  private static Path file(Path root, Scale s, String key, String ext) {
    return root.resolve("pyramid").resolve(s.level()).resolve(ImageKeys.stem(key) + "." + ext);
  }

  private static List<Row> sql(String query) {
    return spark().sql(query).collectAsList();
  }

  private static SparkSession spark() {
    return SparkTestSession.get();
  }
}
