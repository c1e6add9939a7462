package dev.p2g.render.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.p2g.field.FloatImage;
import dev.p2g.field.GaussianField;
import dev.p2g.render.HostCompiler;
import dev.p2g.render.RandomFields;
import dev.p2g.render.ReferenceRenderer;
import dev.p2g.render.Scale;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
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
    List<GaussianField> fields = List.of(
        RandomFields.random(13, 9, 1, 1L),
        RandomFields.random(5, 7, 2, 2L),
        RandomFields.random(1, 1, 2, 3L),
        RandomFields.random(20, 3, 1, 4L));
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
}
