package dev.p2g.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.p2g.render.cuda.CudaDevices;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --device cuda on a machine where CUDA cannot start (every CI machine): one clear line, no work. */
class DevicePolicyJobTest {
  @TempDir
  Path tmp;

  @Test
  void cudaFailsFastWhenNoGpuWorks() {
    Assumptions.assumeTrue(CudaDevices.problem(0).isPresent(), "CUDA works here: nothing to refuse");
    Path out = tmp.resolve("out");
    JobRun run = JobRun.of("run", "--input", "../sample-data/images", "--output", out.toString(),
        "--scales", "2", "--device", "cuda");
    assertEquals(Main.SYSTEMIC, run.exitCode());
    String all = run.out() + run.err();
    assertTrue(all.contains("--device cuda: CUDA cannot start on GPU 0: "), all);
    assertTrue(all.contains("use --device auto or cpu"), all);
    assertFalse(Files.exists(out.resolve("fields")), "fields were written before the refusal");
    assertFalse(Files.exists(out.resolve("pyramid")), "images were rendered before the refusal");
  }
}
