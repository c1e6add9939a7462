package dev.p2g.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** deploy/gpu/discover-gpus.sh against a fake nvidia-smi: what Spark reads from it. */
class DiscoverGpusScriptTest {
  private static final Path SCRIPT = Path.of("../deploy/gpu/discover-gpus.sh").toAbsolutePath();

  @TempDir
  Path bin;

  private static final String THREE_GPUS = "printf '0, GPU-aaa1\\n1, GPU-bbb2\\n2, GPU-ccc3\\n'";

  @Test
  void listsEveryGpuAsAnOrdinal() throws Exception {
    fakeNvidiaSmi(THREE_GPUS);
    Result r = run(null);
    assertEquals(0, r.code, r.err);
    assertEquals("{\"name\":\"gpu\",\"addresses\":[\"0\",\"1\",\"2\"]}", r.out.trim());
  }

  /** CUDA renumbers what CUDA_VISIBLE_DEVICES lists from 0, and stops at an entry naming no GPU. */
  @ParameterizedTest(name = "CUDA_VISIBLE_DEVICES=''{0}''")
  @CsvSource(delimiter = '|', value = {
      "2,0       | \"0\",\"1\"",
      "1         | \"0\"",
      "''        | ''",
      "1,7,0     | \"0\"",
      "-1        | ''",
      "GPU-bbb2  | \"0\"",
      "GPU-c,0   | \"0\",\"1\"",
      "GPU-zzz,1 | ''",
  })
  void honoursCudaVisibleDevices(String visible, String addresses) throws Exception {
    fakeNvidiaSmi(THREE_GPUS);
    Result r = run(visible == null ? "" : visible);
    assertEquals(0, r.code, r.err);
    assertEquals("{\"name\":\"gpu\",\"addresses\":[" + (addresses == null ? "" : addresses) + "]}",
        r.out.trim());
  }

  @Test
  void noGpuIsAnEmptyList() throws Exception {
    fakeNvidiaSmi("true");
    Result r = run(null);
    assertEquals(0, r.code, r.err);
    assertEquals("{\"name\":\"gpu\",\"addresses\":[]}", r.out.trim());
  }

  @Test
  void noDriverIsAClearError() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeFalse(
        Files.exists(Path.of("/usr/bin/nvidia-smi")) || Files.exists(Path.of("/bin/nvidia-smi")),
        "this machine has nvidia-smi on the test's PATH");
    Result r = run(null);
    assertNotEquals(0, r.code);
    assertTrue(r.err.contains("nvidia-smi not found"), r.err);
  }

  private void fakeNvidiaSmi(String body) throws Exception {
    Path smi = bin.resolve("nvidia-smi");
    Files.writeString(smi, "#!/bin/sh\n" + body + "\n");
    Files.setPosixFilePermissions(smi, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  private record Result(int code, String out, String err) {}

  /** visible: CUDA_VISIBLE_DEVICES, or null for unset. */
  private Result run(String visible) throws Exception {
    ProcessBuilder pb = new ProcessBuilder("/bin/bash", SCRIPT.toString());
    pb.environment().remove("CUDA_VISIBLE_DEVICES");
    if (visible != null) {
      pb.environment().put("CUDA_VISIBLE_DEVICES", visible);
    }
    // Only the fake (or nothing) where nvidia-smi is looked up; the shell's own tools stay.
    pb.environment().put("PATH", bin + ":/usr/bin:/bin");
    Path err = bin.resolve("stderr");
    pb.redirectError(err.toFile());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    return new Result(p.exitValue(), out, Files.readString(err));
  }
}
