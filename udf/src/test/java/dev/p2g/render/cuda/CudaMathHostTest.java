package dev.p2g.render.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.p2g.field.FieldContract;
import dev.p2g.field.FloatImage;
import dev.p2g.field.GaussianField;
import dev.p2g.render.HostCompiler;
import dev.p2g.render.RandomFields;
import dev.p2g.render.ReferenceRenderer;
import dev.p2g.render.ResampleFilter;
import dev.p2g.render.Scale;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The CUDA kernels' per-thread math (src/main/cuda/p2g_field.h) built for the host with g++ and
 * run as the kernels run it (src/test/cpp/batch_host.cpp, one field a batch), against the
 * float64 reference of the field equation, on the random fields and scales of CpuRendererTest.
 * CI machines have no GPU: this is what keeps the GPU's arithmetic honest there (HostCompiler:
 * skipped without g++ outside CI).
 */
class CudaMathHostTest {
  private static final double MAX_ABS_DIFF = 1e-4;
  private static Path binary;

  @BeforeAll
  static void compile() throws Exception {
    binary = HostCompiler.build("batch_host.cpp");
  }

  @Test
  void headerConstantsEqualTheFieldContract() throws Exception {
    Path constants = HostCompiler.build("constants_host.cpp");
    Process p = new ProcessBuilder(constants.toString()).start();
    Map<String, Double> got = new HashMap<>();
    for (String line : new String(p.getInputStream().readAllBytes()).split("\n")) {
      String[] kv = line.trim().split(" ");
      got.put(kv[0], Double.parseDouble(kv[1]));
    }
    assertEquals(0, p.waitFor());
    assertEquals(FieldContract.TAU, got.get("TAU"), 0.0, "TAU");
    assertEquals(FieldContract.Q_CUTOFF, got.get("Q_CUTOFF"), 1e-15, "Q_CUTOFF");
    assertEquals(ResampleFilter.LANCZOS3.support(), got.get("LANCZOS_LOBES"), 0.0, "LANCZOS_LOBES");
    assertEquals(FieldContract.REDUCTION_STRETCH, got.get("REDUCTION_STRETCH"), 0.0, "REDUCTION_STRETCH");
    assertEquals(FieldContract.MIN_CHOLESKY_DET, got.get("MIN_CHOLESKY_DET"), 0.0, "MIN_CHOLESKY_DET");
    assertEquals(FieldContract.PARAMS, got.get("PARAMS").intValue());
    int[] planes = {FieldContract.DX, FieldContract.DY, FieldContract.L11, FieldContract.L21,
        FieldContract.L22, FieldContract.R, FieldContract.G, FieldContract.B};
    String[] names = {"DX", "DY", "L11", "L21", "L22", "R", "G", "B"};
    for (int i = 0; i < names.length; i++) {
      assertEquals(planes[i], got.get(names[i]).intValue(), names[i]);
    }
  }

  @ParameterizedTest(name = "k={0} scale={1}")
  @MethodSource("dev.p2g.render.CpuRendererTest#cases")
  void matchesFloat64Reference(int k, String scaleText) throws Exception {
    Scale scale = Scale.parse(scaleText);
    GaussianField field = RandomFields.random(13, 9, k, 31L * k + scaleText.hashCode());
    FloatImage got = runHost(field, scale);
    double[][][] want = ReferenceRenderer.render(field, scale.x(), scale.y());

    assertEquals(want[0][0].length, got.width(), "output width");
    assertEquals(want[0].length, got.height(), "output height");
    double maxDiff = ReferenceRenderer.maxAbsDiff(got, want);
    int interior = ReferenceRenderer.unclamped(want);
    int plane = got.width() * got.height();
    System.out.printf("cuda math (g++) vs float64 reference, k=%d scale %-5s %3dx%-3d max |diff| %.2e%n",
        k, scaleText, got.width(), got.height(), maxDiff);
    assertTrue(maxDiff <= MAX_ABS_DIFF, "max |cuda math - reference| = " + maxDiff);
    assertTrue(interior > 3 * plane / 2, "only " + interior + " of " + 3 * plane + " values unclamped");
  }

  @Test
  void degenerateGaussiansAddNothing() throws Exception {
    // A zero Cholesky diagonal (infinite inverse covariance) must add nothing, and no NaN, at an
    // upscale and at a downscale.
    GaussianField field = RandomFields.random(6, 5, 2, 99L);
    for (int i = 0; i < field.count(); i += 3) {
      field.set(FieldContract.L11, i, 0f);
    }
    for (double s : new double[] {4, 0.5}) {
      FloatImage got = runHost(field, Scale.of(s));
      double[][][] want = ReferenceRenderer.render(field, s, s);
      // NaN fails the bound below
      double maxDiff = ReferenceRenderer.maxAbsDiff(got, want);
      assertTrue(maxDiff <= MAX_ABS_DIFF, "scale " + s + ": max |cuda math - reference| = " + maxDiff);
    }
  }

  private static FloatImage runHost(GaussianField field, Scale scale) throws Exception {
    BatchLayout batch = new BatchLayout(List.of(field), scale);
    ByteBuffer up = ByteBuffer.allocate((int) batch.uploadBytes());
    batch.writeUpload(up);
    Path dir = Files.createTempDirectory(binary.getParent(), "case");
    Path in = Files.write(dir.resolve("up.bin"), up.array());
    Path out = dir.resolve("down.bin");
    HostCompiler.run(binary.toString(), "1", in.toString(), out.toString());
    return batch.readDownload(ByteBuffer.wrap(Files.readAllBytes(out))).get(0);
  }
}
