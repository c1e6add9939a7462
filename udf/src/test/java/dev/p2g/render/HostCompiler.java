package dev.p2g.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Builds a test driver of src/test/cpp with g++ against the CUDA sources' header, for tests of the
 * kernels' code on machines without a GPU. Without g++ the calling test is skipped, except under
 * CI=true, where it fails (.ci/run installs g++).
 */
public final class HostCompiler {
  private HostCompiler() {}

  public static Path build(String driver) throws Exception {
    Path dir = Files.createDirectories(Path.of("target/cuda-host"));
    String name = driver.replaceAll("\\.cpp$", "");
    Path binary = dir.resolve(name);
    String[] cmd = {"g++", "-O2", "-std=c++17", "-Wall", "-Wextra", "-Werror", "-Isrc/main/cuda",
        "src/test/cpp/" + driver, "-o", binary.toString()};
    Process p;
    try {
      p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    } catch (IOException noCompiler) {
      if ("true".equals(System.getenv("CI"))) {
        fail("g++ is needed for the CUDA host tests in CI: " + noCompiler.getMessage());
      }
      Assumptions.abort("g++ not found; the CUDA host tests are skipped outside CI");
      return null;
    }
    String log = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "g++ did not finish");
    assertEquals(0, p.exitValue(), "g++ failed:\n" + log);
    return binary;
  }

  /** Runs a built driver; its output must be empty or is shown on failure. */
  public static void run(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String log = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), cmd[0] + " did not finish");
    assertEquals(0, p.exitValue(), cmd[0] + " failed: " + log);
  }
}
