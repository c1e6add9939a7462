package dev.p2g.render.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.p2g.field.Degradation;
import dev.p2g.field.FloatImage;
import dev.p2g.field.GaussianField;
import dev.p2g.render.HostCompiler;
import dev.p2g.render.RandomFields;
import dev.p2g.render.ReferenceRenderer;
import dev.p2g.render.SampleGrid;
import dev.p2g.render.Scale;
import dev.p2g.render.StripRender;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A batch as CudaRenderer sends it to the GPU (BatchLayout: jobs, parameters; then the images it
 * unpacks), run through the kernels' own per-thread code built for the host (batch_host.cpp:
 * every Gaussian prepared, every pixel of the launch grid rendered, as the two kernels do),
 * against the float64 reference, field by field. Fields of different sizes and k share the
 * batch, so an offset or stride mistake lands one field's pixels in another's image.
 */
class CudaBatchHostTest {
  private static final double MAX_ABS_DIFF = 1e-4;

  @ParameterizedTest(name = "scale {0}")
  @ValueSource(strings = {"2.5", "0.5", "2x3", "1", "0.3x2", "0.25"})
  void aMixedBatchComesBackFieldByField(String scaleText) throws Exception {
    Path binary = HostCompiler.build("batch_host.cpp");
    Scale scale = Scale.parse(scaleText);
    Degradation bicubic = new Degradation(Degradation.BICUBIC, 2, 4);
    List<GaussianField> fields = List.of(
        RandomFields.random(13, 9, 1, 1L),
        RandomFields.random(5, 7, 2, 2L).withDegradation(bicubic),
        RandomFields.random(1, 1, 2, 3L),
        RandomFields.random(20, 3, 1, 4L),
        RandomFields.random(11, 8, 2, 5L).withDegradation(bicubic));
    BatchLayout batch = new BatchLayout(fields, scale);
    ByteBuffer up = ByteBuffer.allocate((int) batch.uploadBytes());
    batch.writeUpload(up);
    assertEquals(up.capacity(), up.position(), "upload fills its size");
    Path dir = Files.createTempDirectory(binary.getParent(), "batch");
    Path in = Files.write(dir.resolve("up.bin"), up.array());
    Path out = dir.resolve("down.bin");
    HostCompiler.run(binary.toString(), Integer.toString(batch.count), in.toString(), out.toString());
    byte[] down = Files.readAllBytes(out);
    assertEquals(batch.downloadBytes(), down.length, "download size");

    List<FloatImage> images = batch.readDownload(ByteBuffer.wrap(down));
    for (int f = 0; f < fields.size(); f++) {
      FloatImage got = images.get(f);
      double[][][] want = ReferenceRenderer.render(fields.get(f), scale.x(), scale.y());
      assertEquals(want[0][0].length, got.width(), "field " + f + " width");
      assertEquals(want[0].length, got.height(), "field " + f + " height");
      double maxDiff = ReferenceRenderer.maxAbsDiff(got, want);
      System.out.printf("cuda batch (g++) field %d, scale %-4s %3dx%-3d max |diff| %.2e%n",
          f, scaleText, got.width(), got.height(), maxDiff);
      assertTrue(maxDiff <= MAX_ABS_DIFF, "field " + f + ": max |batch - reference| = " + maxDiff);
    }
  }

  /**
   * A band job (BatchLayout.band: the rows of a tiled image's sample grid, from a window of its
   * field that starts at an LR row other than 0) gives those rows of the whole field's samples:
   * a wrong origin, row offset or row spacing moves every sample.
   */
  @ParameterizedTest(name = "scale {0}, degraded {1}")
  @CsvSource({"2.5, false", "0.5, false", "2x3, false", "1, false", "0.3x2, false", "1, true", "0.3x2, true"})
  void aBandFromAWindowIsThoseRowsOfTheWholeImage(String scaleText, boolean degraded) throws Exception {
    Path binary = HostCompiler.build("batch_host.cpp");
    Scale scale = Scale.parse(scaleText);
    GaussianField whole = RandomFields.random(23, 31, 2, 9L)
        .withDegradation(degraded ? new Degradation(Degradation.BICUBIC, 2, 4) : null);
    SampleGrid grid = SampleGrid.of(whole.width(), whole.height(), scale, whole.degradation());
    double ry = (double) grid.height() / whole.height();
    double reach = StripRender.anchorReach(whole);
    int first = grid.height() / 3;
    int rows = grid.height() / 3;
    int top = Math.max(0, (int) Math.floor((first + 0.5) / ry - reach) - 1);
    int bottom = Math.min(whole.height(), (int) Math.floor((first + rows - 0.5) / ry + reach) + 2);
    assertTrue(top > 0 && bottom < whole.height(), "the window is inside the image: " + top + ".." + bottom);
    BatchLayout batch = BatchLayout.band(whole.crop(0, top, whole.width(), bottom - top), top, whole.height(), grid,
        first, rows);
    ByteBuffer up = ByteBuffer.allocate((int) batch.uploadBytes());
    batch.writeUpload(up);
    Path dir = Files.createTempDirectory(binary.getParent(), "band");
    Path in = Files.write(dir.resolve("up.bin"), up.array());
    Path out = dir.resolve("down.bin");
    HostCompiler.run(binary.toString(), "1", in.toString(), out.toString());
    FloatImage got = batch.readDownload(ByteBuffer.wrap(Files.readAllBytes(out))).get(0);
    assertEquals(grid.width(), got.width());
    assertEquals(rows, got.height());

    double[][][] samples = ReferenceRenderer.clamp(ReferenceRenderer.sums(whole, grid.width(), grid.height()));
    double worst = 0;
    for (int c = 0; c < 3; c++) {
      for (int j = 0; j < rows; j++) {
        for (int u = 0; u < grid.width(); u++) {
          worst = Math.max(worst, Math.abs(got.get(c, u, j) - samples[c][first + j][u]));
        }
      }
    }
    System.out.printf("cuda band (g++) scale %-4s sample rows [%d, %d) of %d from LR rows [%d, %d): max |diff| %.2e%n",
        scaleText, first, first + rows, grid.height(), top, bottom, worst);
    assertTrue(worst <= MAX_ABS_DIFF, "max |band - reference| = " + worst);
  }
}
