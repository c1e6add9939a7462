package dev.p2g.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.p2g.field.FieldRecord;
import dev.p2g.render.CpuRenderer;
import dev.p2g.render.ImageEncoding;
import dev.p2g.render.Scale;
import dev.p2g.tables.FieldTable;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A run with a compact codec stores smaller fields, and its pyramid is its stored fields rendered. */
class CompactCodecJobTest {
  @TempDir
  Path tmp;

  @ParameterizedTest
  @ValueSource(strings = {"q8", "f16"})
  void pyramidIsTheDecodedFieldRendered(String codec) throws IOException {
    Path out = tmp.resolve(codec);
    JobRun run = JobRun.of("run", "--input", ResumeTest.SAMPLES.toString(), "--output", out.toString(),
        "--scales", "2", "--codec", codec, "--device", "cpu", "--model", JobRun.ANALYTIC_MODEL);
    assertEquals(Main.OK, run.exitCode(), run.err());
    List<Row> rows = SparkTestSession.get().read().schema(FieldTable.SCHEMA).parquet(out.resolve("fields").toString())
        .collectAsList();
    assertEquals(8, rows.size());
    for (Row r : rows) {
      FieldRecord f = FieldTable.fromRow(r);
      assertEquals(codec, f.codec());
      long f32Bytes = 8L * 4 * f.k() * f.k() * f.width() * f.height();
      assertTrue(f.params().length < f32Bytes * (codec.equals("q8") ? 0.3 : 0.6), f.key() + " is compact");
      BufferedImage want = ImageEncoding.toRgb8(new CpuRenderer().render(f.decodeField(), Scale.of(2)));
      BufferedImage got = ImageIO.read(out.resolve("pyramid/x2").resolve(dev.p2g.io.ImageKeys.stem(f.key()) + ".png")
          .toFile());
      assertArrayEquals(want.getRGB(0, 0, want.getWidth(), want.getHeight(), null, 0, want.getWidth()),
          got.getRGB(0, 0, got.getWidth(), got.getHeight(), null, 0, got.getWidth()), f.key());
    }
  }
}
