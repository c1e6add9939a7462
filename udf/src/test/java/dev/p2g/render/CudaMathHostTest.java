package dev.p2g.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.p2g.field.FieldContract;
import dev.p2g.field.GaussianField;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The CUDA kernels' per-pixel math (src/main/cuda/p2g_field.h) built for the host with g++ and
 * run as the kernels run it (src/test/cpp/render_host.cpp), against the float64 reference of the
 * field equation, on the random fields and scales of CpuRendererTest. CI machines have no GPU:
 * this is what keeps the GPU's arithmetic honest there (HostCompiler: skipped without g++
 * outside CI).
 */
class CudaMathHostTest {
  private static final double MAX_ABS_DIFF = 1e-4;
  private static Path binary;

  @BeforeAll
  static void compile() throws Exception {
    binary = HostCompiler.build("render_host.cpp");
  }

  @Test
  void headerConstantsEqualTheFieldContract() throws Exception {
    Process p = new ProcessBuilder(binary.toString(), "--constants").start();
    Map<String, Double> got = new HashMap<>();
    for (String line : new String(p.getInputStream().readAllBytes()).split("\n")) {
      String[] kv = line.trim().split(" ");
      got.put(kv[0], Double.parseDouble(kv[1]));
    }
    assertEquals(0, p.waitFor());
    assertEquals(FieldContract.TAU, got.get("TAU"), 0.0, "TAU");
    assertEquals(FieldContract.Q_CUTOFF, got.get("Q_CUTOFF"), 1e-15, "Q_CUTOFF");
    assertEquals(FieldContract.ANTI_ALIAS_RHO, got.get("ANTI_ALIAS_RHO"), 0.0, "ANTI_ALIAS_RHO");
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
    int outW = scale.outputWidth(field.width());
    int outH = scale.outputHeight(field.height());
    float[] got = runHost(field, outW, outH, true);
    double[][][] want = ReferenceRenderer.render(field, scale.x(), scale.y());

    assertEquals(want[0][0].length, outW, "output width");
    assertEquals(want[0].length, outH, "output height");
    double maxDiff = 0;
    int interior = 0;
    int plane = outW * outH;
    for (int c = 0; c < 3; c++) {
      for (int v = 0; v < outH; v++) {
        for (int u = 0; u < outW; u++) {
          double w = want[c][v][u];
          maxDiff = Math.max(maxDiff, Math.abs(got[c * plane + v * outW + u] - w));
          if (w > 0.02 && w < 0.98) {
            interior++;
          }
        }
      }
    }
    System.out.printf("cuda math (g++) vs float64 reference, k=%d scale %-5s %3dx%-3d max |diff| %.2e%n",
        k, scaleText, outW, outH, maxDiff);
    assertTrue(maxDiff <= MAX_ABS_DIFF, "max |cuda math - reference| = " + maxDiff);
    assertTrue(interior > 3 * plane / 2, "only " + interior + " of " + 3 * plane + " values unclamped");
  }

  @Test
  void degenerateGaussiansAddNothing() throws Exception {
    // A zero Cholesky diagonal (infinite inverse covariance) must add nothing, and no NaN, at an
    // upscale and at an anti-aliased downscale, where the footprint makes its covariance regular.
    GaussianField field = RandomFields.random(6, 5, 2, 99L);
    for (int i = 0; i < field.count(); i += 3) {
      field.set(FieldContract.L11, i, 0f);
    }
    for (double s : new double[] {4, 0.5}) {
      int outW = Scale.of(s).outputWidth(6);
      int outH = Scale.of(s).outputHeight(5);
      float[] got = runHost(field, outW, outH, true);
      double[][][] want = ReferenceRenderer.render(field, s, s);
      double maxDiff = 0;
      for (int c = 0; c < 3; c++) {
        for (int v = 0; v < outH; v++) {
          for (int u = 0; u < outW; u++) {
            // Math.max propagates NaN, and NaN fails the bound below.
            maxDiff = Math.max(maxDiff, Math.abs(got[(c * outH + v) * outW + u] - want[c][v][u]));
          }
        }
      }
      assertTrue(maxDiff <= MAX_ABS_DIFF, "scale " + s + ": max |cuda math - reference| = " + maxDiff);
    }
  }

  private static float[] runHost(GaussianField field, int outW, int outH, boolean antiAlias) throws Exception {
    Path dir = Files.createTempDirectory(binary.getParent(), "case");
    Path in = dir.resolve("field.bin");
    Path out = dir.resolve("out.bin");
    float[] params = field.params();
    ByteBuffer b = ByteBuffer.allocate(6 * 4 + params.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(field.width()).putInt(field.height()).putInt(field.k()).putInt(outW).putInt(outH)
        .putInt(antiAlias ? 1 : 0);
    b.asFloatBuffer().put(params);
    Files.write(in, b.array());
    HostCompiler.run(binary.toString(), in.toString(), out.toString());
    float[] result = new float[3 * outW * outH];
    ByteBuffer.wrap(Files.readAllBytes(out)).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(result);
    return result;
  }
}
