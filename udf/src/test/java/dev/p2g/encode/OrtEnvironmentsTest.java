package dev.p2g.encode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * ONNX Runtime's native start-up recurses over the process command line; a long one (any real
 * Spark executor's) killed the JVM with SIGSEGV before OrtEnvironments moved it to a large stack.
 */
class OrtEnvironmentsTest {

  /** Loads ONNX Runtime in a JVM whose command line is 64 KB long: it died at 4 KB before. */
  @Test
  void loadsUnderALongCommandLine() throws IOException, InterruptedException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String padding = "x".repeat(64 * 1024);
    Process child = new ProcessBuilder(List.of(java, "-Xss1m", "-Dp2g.test.padding=" + padding,
            "-cp", System.getProperty("java.class.path"), LoadOrt.class.getName()))
        .redirectErrorStream(true)
        .start();
    assertTrue(child.waitFor(120, TimeUnit.SECONDS), "child JVM did not finish");
    String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, child.exitValue(), "child JVM failed (139 = SIGSEGV): " + output);
    assertTrue(output.contains("ort-loaded"), output);
  }

  @Test
  void stackGrowsWithTheCommandLine() {
    assertTrue(OrtEnvironments.stackBytes() >= (16L << 20));
  }

  /** The child process's entry point. */
  public static final class LoadOrt {
    public static void main(String[] args) {
      System.out.println("ort-loaded " + OrtEnvironments.get().getVersion());
    }
  }
}
