package dev.p2g.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run killed with SIGKILL in the middle (its own JVM, as a lost driver), then run again, ends
 * with outputs equal to an uninterrupted run's, and the second run says what it skipped. Chunks
 * of two images make the kill land between committed work and work in flight.
 */
class KilledRunTest {
  /**
   * The analytic model: what is tested is resumption. Its chunks still take a Spark job each
   * (over 100 ms), against the 20 ms the watcher waits between looks: the kill lands with work ahead.
   */
  private static final String[] JOB = {"--input", ResumeTest.SAMPLES.toString(), "--scales", "2,0.5",
      "--commit-every", "2", "--model", JobRun.ANALYTIC_MODEL};

  @TempDir
  static Path tmp;
  static OutputSnapshot uninterrupted;

  @BeforeAll
  static void runUninterrupted() throws IOException {
    Path out = tmp.resolve("uninterrupted");
    JobRun run = JobRun.of(args(out));
    assertEquals(Main.OK, run.exitCode(), run.err());
    uninterrupted = OutputSnapshot.of(out);
    assertEquals(8, uninterrupted.fieldRows());
  }

  @Test
  void killedDuringEncodeThenRerunEqualsUninterrupted() throws Exception {
    Path out = tmp.resolve("killed-in-encode");
    // a chunk's job commit moves its files one by one and then writes _SUCCESS: waiting for the
    // marker (not for the first file) makes the kill land after a whole chunk of 2 images
    killWhen(out, o -> Files.exists(o.resolve("fields").resolve("_SUCCESS")));
    assertTrue(OutputSnapshot.of(out).fieldRows() < 8, "the kill came before encode finished");
    JobRun resumed = JobRun.of(args(out));
    assertEquals(Main.OK, resumed.exitCode(), resumed.err());
    assertTrue(number(resumed.out(), "skipped (\\d+) images") >= 2, resumed.out());
    assertEquals(uninterrupted, OutputSnapshot.of(out));
  }

  @Test
  void killedDuringRenderThenRerunEqualsUninterrupted() throws Exception {
    Path out = tmp.resolve("killed-in-render");
    killWhen(out, o -> Files.exists(o.resolve("manifest").resolve("_SUCCESS")));
    assertTrue(!Files.exists(out.resolve("manifest")) || OutputSnapshot.of(out).manifestRows() < 16,
        "the kill came before render finished");
    JobRun resumed = JobRun.of(args(out));
    assertEquals(Main.OK, resumed.exitCode(), resumed.err());
    assertEquals(8, number(resumed.out(), "skipped (\\d+) images"), resumed.out());
    assertTrue(number(resumed.out(), "skipped (\\d+) already rendered") >= 2, resumed.out());
    assertEquals(uninterrupted, OutputSnapshot.of(out));
  }

  private static String[] args(Path out) {
    List<String> a = new ArrayList<>(List.of("run", "--output", out.toString()));
    a.addAll(List.of(JOB));
    return a.toArray(String[]::new);
  }

  /** Starts the job in a JVM of its own and kills it (SIGKILL) as soon as done(out) holds. */
  private static void killWhen(Path out, Predicate<Path> done) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (a.startsWith("--add-opens") || a.startsWith("-Dio.netty")) {
        cmd.add(a);
      }
    }
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
    cmd.addAll(List.of(args(out)));
    cmd.addAll(List.of("--master", "local[2]", "--conf", "spark.ui.enabled=false"));
    Path log = tmp.resolve(out.getFileName() + ".log");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
    while (!done.test(out)) {
      assertTrue(p.isAlive(), "the job ended before it could be killed:\n" + Files.readString(log));
      assertTrue(System.nanoTime() < deadline, "no committed output after 180 s:\n" + Files.readString(log));
      Thread.sleep(20);
    }
    p.destroyForcibly();
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    assertEquals(137, p.exitValue(), "killed by SIGKILL");
  }

  private static long number(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    assertTrue(m.find(), "'" + regex + "' in:\n" + text);
    return Long.parseLong(m.group(1));
  }
}
