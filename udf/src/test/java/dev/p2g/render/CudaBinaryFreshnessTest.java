package dev.p2g.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The fatbin shipped in the jar was built from the kernel sources as they are now: the stamp
 * written next to it by src/main/cuda/build.sh (SHA-256 of p2g_field.h, p2g_render.cu and
 * build.sh) must equal the hash of those files. Where nvcc is present the kernels are also
 * compiled, into a scratch folder, so a change that no longer compiles fails the build.
 */
class CudaBinaryFreshnessTest {
  private static final Path CUDA = Path.of("src/main/cuda");
  private static final String FATBIN = "/dev/p2g/cuda/p2g_render.fatbin";

  @Test
  void shippedFatbinMatchesTheSources() throws Exception {
    byte[] fatbin = resource(FATBIN);
    assertTrue(fatbin.length > 1000, "the fatbin in the jar is " + fatbin.length + " bytes");
    String stamp = new String(resource(FATBIN + ".sha256"), StandardCharsets.US_ASCII).trim();
    assertEquals(sourceHash(), stamp,
        "src/main/cuda changed since the shipped fatbin was built: run udf/src/main/cuda/build.sh and commit its outputs");
  }

  @Test
  void kernelsCompileWhereNvccIsPresent() throws Exception {
    Path scratch = Files.createTempDirectory("p2g-nvcc");
    Process p;
    try {
      p = new ProcessBuilder("bash", CUDA.resolve("build.sh").toString(), scratch.toString())
          .redirectErrorStream(true).start();
    } catch (IOException e) {
      Assumptions.abort("bash not available: " + e.getMessage());
      return;
    }
    String log = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(300, TimeUnit.SECONDS), "nvcc did not finish");
    Assumptions.assumeFalse(log.contains("nvcc: command not found"), "nvcc not installed: kernels not compiled");
    assertEquals(0, p.exitValue(), "build.sh failed:\n" + log);
    assertEquals(sourceHash(), Files.readString(scratch.resolve("p2g_render.fatbin.sha256")).trim(),
        "build.sh stamps the hash of other files than this test");
    assertTrue(Files.size(scratch.resolve("p2g_render.fatbin")) > 1000);
  }

  private static String sourceHash() throws Exception {
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    for (String name : new String[] {"p2g_field.h", "p2g_render.cu", "build.sh"}) {
      sha.update(Files.readAllBytes(CUDA.resolve(name)));
    }
    return HexFormat.of().formatHex(sha.digest());
  }

  private static byte[] resource(String name) throws IOException {
    try (InputStream in = CudaBinaryFreshnessTest.class.getResourceAsStream(name)) {
      assertTrue(in != null, name + " is not on the class path");
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      in.transferTo(b);
      return b.toByteArray();
    }
  }
}
