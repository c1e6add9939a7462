package dev.p2g.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.p2g.field.FieldRecord;
import dev.p2g.io.HadoopFiles;
import dev.p2g.render.CpuRenderer;
import dev.p2g.render.Scale;
import dev.p2g.tables.FieldTable;
import java.awt.image.DataBufferByte;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job on the samples end to end with each built-in model (--model-precision): fp32 and auto
 * (the float model until an int8 one meets its bars) encode with sample-data/model/default.onnx (auto, run
 * on fp32's output, finds every field there made with its model), int8 with
 * default-int8.onnx; every image is encoded and rendered; the int8 fields of the samples render
 * within 35 dB of the float ones (the test card: 20 dB). Their validation loss is in docs/benchmarks.md.
 */
class ModelPrecisionTest {
  private static final Path SAMPLES = Path.of("../sample-data/images");

  @TempDir
  Path tmp;

  @Test
  void eachPrecisionRunsTheSamplesEndToEnd() throws Exception {
    String fp32Id = HadoopFiles.sha256Hex(Files.readAllBytes(Path.of("../sample-data/model/default.onnx")));
    String int8Id = HadoopFiles.sha256Hex(Files.readAllBytes(Path.of("../sample-data/model/default-int8.onnx")));
    Map<String, Map<String, FieldRecord>> fields = new HashMap<>();
    for (String precision : new String[] {"fp32", "int8", "auto"}) {
      // auto runs on fp32's output: it encodes nothing when it takes the very model fp32 took
      Path out = tmp.resolve(precision.equals("auto") ? "fp32" : precision);
      JobRun run = JobRun.of("run", "--input", SAMPLES.toString(), "--output", out.toString(), "--scales", "2",
          "--model-precision", precision, "--progress-every", "0");
      assertEquals(Main.OK, run.exitCode(), run.err());
      if (precision.equals("auto")) {
        assertTrue(run.out().contains("skipped 8 images already encoded with this model"), run.out());
      }
      assertTrue(run.out().contains(precision.equals("int8") ? "model p2g-dgp-v2-int8 (" : "model p2g-dgp-v2 ("),
          run.out());
      Map<String, FieldRecord> byKey = new HashMap<>();
      for (Row r : SparkTestSession.get().read().schema(FieldTable.SCHEMA).parquet(out.resolve("fields").toString())
          .collectAsList()) {
        FieldRecord f = FieldTable.fromRow(r);
        assertEquals(precision.equals("int8") ? int8Id : fp32Id, f.modelId(), precision + ": " + f.key());
        byKey.put(f.key(), f);
      }
      assertEquals(8, byKey.size(), precision + ": every sample encoded");
      try (java.util.stream.Stream<Path> pngs = Files.walk(out.resolve("pyramid/x2"))) {
        assertEquals(8, pngs.filter(p -> p.toString().endsWith(".png")).count(), precision + ": every sample rendered");
      }
      fields.put(precision, byKey);
    }
    CpuRenderer renderer = new CpuRenderer();
    for (String key : fields.get("fp32").keySet()) {
      byte[] a = pixels(renderer, fields.get("fp32").get(key));
      byte[] b = pixels(renderer, fields.get("int8").get(key));
      double se = 0;
      for (int i = 0; i < a.length; i++) {
        int d = (a[i] & 0xff) - (b[i] & 0xff);
        se += d * d;
      }
      double psnr = 10 * Math.log10(255.0 * 255.0 / Math.max(se / a.length, 1e-12));
      System.out.printf("%s: int8 against fp32 at x2, %.1f dB%n", key, psnr);
      // The test card's saturated colours and 1-px patterns drive activations 2-3x past the
      // photo-calibrated int8 ranges: 23 dB for p2g-dgp-v2 (33 for v1), the known limit that keeps
      // auto on fp32 (docs/benchmarks.md); the floor only catches an int8 model that is broken.
      // Not 50 dB: ONNX Runtime's int8 kernels differ by CPU. On an AVX2 machine without VNNI
      // (2026-12-07) the samples came out at 40.8-55.9 dB where an earlier machine gave 50 and more:
      // u8s8 products saturate there (ORT's reduce_range advice for non-VNNI CPUs).
      assertTrue(psnr >= (key.equals("test-card.png") ? 20 : 35), key + ": " + psnr + " dB");
    }
  }

  @Test
  void aPrecisionWithAModelOfOnesOwnIsAUsageError() {
    JobRun run = JobRun.of("encode", "--input", SAMPLES.toString(), "--fields", tmp.resolve("f").toString(),
        "--model", "../sample-data/model/default.onnx", "--model-precision", "int8");
    assertEquals(Main.USAGE, run.exitCode());
    assertTrue(run.err().contains("--model-precision int8 chooses a built-in model"), run.err());
  }

  private static byte[] pixels(CpuRenderer renderer, FieldRecord f) {
    return ((DataBufferByte) renderer.renderRgb8(f.decodeField(), Scale.of(2)).getRaster().getDataBuffer()).getData();
  }
}
