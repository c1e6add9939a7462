package dev.p2g.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.p2g.encode.ModelRef;
import dev.p2g.encode.OnnxSessions;
import dev.p2g.field.FieldRecord;
import dev.p2g.field.FloatImage;
import dev.p2g.io.Device;
import dev.p2g.render.CpuRenderer;
import dev.p2g.render.ImageEncoding;
import dev.p2g.render.Scale;
import dev.p2g.tables.FieldTable;
import dev.p2g.tables.ManifestTable;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole pipeline in local mode on sample-data/, then its stored fields re-rendered without the model. */
class EndToEndTest {
  private static final java.nio.file.Path SAMPLES = java.nio.file.Path.of("../sample-data/images");
  private static final List<String> SCALES = List.of("0.5", "2", "3.5", "2x3");

  @TempDir
  static java.nio.file.Path tmp;
  static java.nio.file.Path out;
  static JobRun run;
  static int sampleCount;

  @BeforeAll
  static void runOnSamples() throws IOException {
    try (Stream<java.nio.file.Path> s = Files.walk(SAMPLES)) {
      sampleCount = (int) s.filter(Files::isRegularFile).count();
    }
    out = tmp.resolve("out");
    run = JobRun.of("run", "--input", SAMPLES.toString(), "--output", out.toString(),
        "--scales", String.join(",", SCALES), "--partitions", "5");
  }

  @Test
  void runSucceedsAndWritesOneFieldPerImage() {
    assertEquals(Main.OK, run.exitCode(), run.err());
    List<Row> fields = spark().read().parquet(out.resolve("fields").toString()).collectAsList();
    assertEquals(sampleCount, fields.size());
    assertTrue(spark().read().schema(dev.p2g.tables.ErrorRecord.SCHEMA)
        .parquet(out.resolve("errors").toString()).isEmpty(), "no errors on the samples");
  }

  @Test
  void everyScaleHasTheRightSizeAndOneManifestRowPerImage() throws IOException {
    List<Row> manifest = spark().read().schema(ManifestTable.SCHEMA)
        .parquet(out.resolve("manifest").toString()).collectAsList();
    assertEquals(sampleCount * SCALES.size(), manifest.size());
    Map<String, FieldRecord> fields = fieldsByKey();
    for (Row m : manifest) {
      FieldRecord f = fields.get(m.getString(m.fieldIndex("key")));
      Scale s = Scale.parse(m.getString(m.fieldIndex("scale")));
      BufferedImage img = ImageIO.read(new File(new Path(m.getString(m.fieldIndex("path"))).toUri()));
      assertEquals(s.outputWidth(f.width()), img.getWidth(), "width of " + m);
      assertEquals(s.outputHeight(f.height()), img.getHeight(), "height of " + m);
      assertEquals(img.getWidth(), m.getInt(m.fieldIndex("width")));
      assertEquals("x" + s.canonical(), m.getString(m.fieldIndex("level")));
      assertTrue(m.getString(m.fieldIndex("path")).contains("/pyramid/" + s.level() + "/"));
    }
  }

  @Test
  void manifestNamesTheDeviceThePolicyChose() {
    // --device auto (the default): GPU 0 in local mode when CUDA starts, else the CPU.
    String expected = dev.p2g.render.cuda.CudaDevices.problem(0).isPresent() ? "cpu" : "cuda:0";
    List<Row> devices = spark().read().schema(ManifestTable.SCHEMA)
        .parquet(out.resolve("manifest").toString()).select("device").distinct().collectAsList();
    assertEquals(1, devices.size(), devices.toString());
    assertEquals(expected, devices.get(0).getString(0));
  }

  @Test
  void pyramidPixelsEqualRenderingTheStoredFieldDirectly() throws IOException {
    assertPyramidIsTheStoredFieldsRendered(out, fieldsByKey(out.resolve("fields")), SCALES);
  }

  /** Every stored field rendered by CpuRenderer, against the pyramid's file; on a GPU within 1e-4, one 8-bit level. */
  private static void assertPyramidIsTheStoredFieldsRendered(java.nio.file.Path root, Map<String, FieldRecord> fields,
      List<String> scales) throws IOException {
    for (FieldRecord f : fields.values()) {
      for (String text : scales) {
        Scale s = Scale.parse(text);
        int[] want = rgb8(new CpuRenderer().render(f.decodeField(), s));
        BufferedImage png = ImageIO.read(pyramidFile(root, s, f.key()).toFile());
        int[] got = png.getRGB(0, 0, png.getWidth(), png.getHeight(), null, 0, png.getWidth());
        if (dev.p2g.render.cuda.CudaDevices.problem(0).isPresent()) {
          assertArrayEquals(want, got, f.key() + " at " + s);
        } else {
          // Rendered on a GPU: within 1e-4 of the CPU before quantisation, so one 8-bit level.
          for (int i = 0; i < want.length; i++) {
            for (int shift = 0; shift <= 16; shift += 8) {
              int d = Math.abs((want[i] >> shift & 0xff) - (got[i] >> shift & 0xff));
              assertTrue(d <= 1, f.key() + " at " + s + ": pixel " + i + " differs by " + d + " levels");
            }
          }
        }
      }
    }
  }

  @Test
  void renderFromStoredFieldsAloneGivesTheSamePixels() throws IOException {
    // Encode with a model file that is then deleted: render must not need it. The analytic
    // model: what is tested is that render reads only fields/, whatever model made them.
    java.nio.file.Path model = tmp.resolve("model-copy.onnx");
    Files.copy(java.nio.file.Path.of(java.net.URI.create(JobRun.ANALYTIC_MODEL)), model);
    java.nio.file.Path fieldsDir = tmp.resolve("standalone/fields");
    assertEquals(Main.OK, JobRun.of("encode", "--input", SAMPLES.toString(), "--fields", fieldsDir.toString(),
        "--model", model.toString()).exitCode());
    Files.delete(model);
    java.nio.file.Path out2 = tmp.resolve("standalone/out");
    assertEquals(Main.OK, JobRun.of("render", "--fields", fieldsDir.toString(), "--output", out2.toString(),
        "--scales", "2,0.5").exitCode());
    Map<String, FieldRecord> stored = fieldsByKey(fieldsDir);
    assertEquals(sampleCount, stored.size());
    assertPyramidIsTheStoredFieldsRendered(out2, stored, List.of("2", "0.5"));
  }

  @Test
  void batchedRenderGivesTheSameImagesAndManifest() throws IOException {
    // --render-batch 3 on the CPU takes the batched path a GPU takes by default: fields grouped
    // per scale, outputs written back to the right keys.
    java.nio.file.Path out3 = tmp.resolve("batched/out");
    JobRun r = JobRun.of("render", "--fields", out.resolve("fields").toString(), "--output", out3.toString(),
        "--scales", "2,0.5", "--render-batch", "3", "--device", "cpu");
    assertEquals(Main.OK, r.exitCode(), r.err());
    assertEquals(2L * sampleCount, spark().read().schema(ManifestTable.SCHEMA)
        .parquet(out3.resolve("manifest").toString()).count());
    for (FieldRecord f : fieldsByKey().values()) {
      for (String text : List.of("2", "0.5")) {
        Scale s = Scale.parse(text);
        BufferedImage a = ImageIO.read(pyramidFile(out, s, f.key()).toFile());
        BufferedImage b = ImageIO.read(pyramidFile(out3, s, f.key()).toFile());
        assertArrayEquals(a.getRGB(0, 0, a.getWidth(), a.getHeight(), null, 0, a.getWidth()),
            b.getRGB(0, 0, b.getWidth(), b.getHeight(), null, 0, b.getWidth()), f.key() + " at " + s);
      }
    }
  }

  @Test
  void oneOnnxSessionServesTheWholeExecutor() throws IOException {
    // Eight tasks over the executor's task threads ask for the session at once: one object serves all.
    String uri = "../sample-data/model/default.onnx";
    ModelRef ref = new ModelRef(uri, dev.p2g.io.HadoopFiles.sha256Hex(Files.readAllBytes(
        java.nio.file.Path.of(uri))), Device.CPU, 1);
    List<Integer> sessions = spark().range(0, 8, 1, 8).javaRDD()
        .map(i -> System.identityHashCode(OnnxSessions.get(ref, new org.apache.hadoop.conf.Configuration())))
        .distinct().collect();
    assertEquals(1, sessions.size(), "distinct sessions: " + sessions);
  }

  @Test
  void fieldFilesRecordTheFieldVersionInTheirFooter() throws IOException {
    org.apache.hadoop.conf.Configuration conf = new org.apache.hadoop.conf.Configuration();
    java.nio.file.Path part;
    try (Stream<java.nio.file.Path> s = Files.list(out.resolve("fields"))) {
      part = s.filter(p -> p.getFileName().toString().endsWith(".parquet")).findFirst().orElseThrow();
    }
    try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromPath(new Path(part.toUri()), conf))) {
      Map<String, String> kv = reader.getFooter().getFileMetaData().getKeyValueMetaData();
      String sparkSchema = kv.get("org.apache.spark.sql.parquet.row.metadata");
      assertTrue(sparkSchema != null && sparkSchema.contains("\"" + FieldTable.VERSION_KEY + "\":1"),
          "footer: " + kv);
    }
  }

  static Map<String, FieldRecord> fieldsByKey() {
    return fieldsByKey(out.resolve("fields"));
  }

  static Map<String, FieldRecord> fieldsByKey(java.nio.file.Path fieldsDir) {
    Map<String, FieldRecord> m = new HashMap<>();
    for (Row r : spark().read().parquet(fieldsDir.toString()).collectAsList()) {
      FieldRecord f = FieldTable.fromRow(r);
      m.put(f.key(), f);
    }
    return m;
  }

  static java.nio.file.Path pyramidFile(java.nio.file.Path root, Scale s, String key) {
    return root.resolve("pyramid").resolve(s.level()).resolve(dev.p2g.io.ImageKeys.stem(key) + ".png");
  }

  static int[] rgb8(FloatImage img) {
    int plane = img.width() * img.height();
    int[] argb = new int[plane];
    float[] d = img.data();
    for (int i = 0; i < plane; i++) {
      argb[i] = 0xff000000 | ImageEncoding.quantize(d[i]) << 16 | ImageEncoding.quantize(d[plane + i]) << 8
          | ImageEncoding.quantize(d[2 * plane + i]);
    }
    return argb;
  }

  static SparkSession spark() {
    return SparkTestSession.get();
  }
}
