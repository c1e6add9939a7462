package dev.p2g.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shaded jar on a real Spark standalone cluster: a master and two workers, each its own JVM
 * on loopback (one core each, so two executors), the job submitted through SparkSubmit as
 * spark-submit does (local mode's run of the same jar is the README's first command, which .ci/run
 * runs). Checks the outputs
 * and that each executor JVM opened exactly one ONNX session; then kills an executor (SIGKILL)
 * in the middle of its first encode task and checks that the job still finishes with one field
 * and one manifest row per image. SPARK_HOME is assembled from this
 * test's class path (Spark's jars, no p2g classes: those come with the submitted jar).
 * Runs after package (failsafe); alone: mvn -pl job verify -Dit.test=StandaloneClusterIT
 */
@Tag("cluster")
class StandaloneClusterIT {
  private static final Path SAMPLES = Path.of("../sample-data/images").toAbsolutePath();
  private static final List<String> OPENS = List.of("--add-opens=java.base/java.lang=ALL-UNNAMED",
      "--add-opens=java.base/java.nio=ALL-UNNAMED", "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
      "--add-opens=java.base/java.util=ALL-UNNAMED", "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED");

  @TempDir
  Path tmp;
  private final List<Process> daemons = new ArrayList<>();

  @AfterEach
  void stopCluster() {
    for (Process p : daemons) {
      p.descendants().forEach(ProcessHandle::destroyForcibly); // the workers' executors
      p.destroyForcibly();
    }
  }

  @Test
  void twoWorkersTwoExecutorsTwoSessions() throws Exception {
    Path jar = shadedJar();
    Path home = sparkHome();
    int port = freePort();
    String master = "spark://127.0.0.1:" + port;
    Path masterLog = tmp.resolve("master.log");
    daemons.add(start(home, masterLog, "org.apache.spark.deploy.master.Master",
        "--host", "127.0.0.1", "--port", Integer.toString(port), "--webui-port", "0"));
    for (int w = 1; w <= 2; w++) {
      Path work = Files.createDirectories(tmp.resolve("work" + w));
      daemons.add(start(home, tmp.resolve("worker" + w + ".log"), "org.apache.spark.deploy.worker.Worker",
          master, "--host", "127.0.0.1", "--cores", "1", "--memory", "2g", "--work-dir", work.toString(),
          "--webui-port", "0"));
    }
    waitFor(masterLog, "Registering worker", 2, 90);

    long t0 = System.nanoTime();
    Path clusterOut = tmp.resolve("cluster-out");
    String clusterLog = submit(home, jar, master, clusterOut);
    double clusterSeconds = (System.nanoTime() - t0) / 1e9;

    long images = countFiles(SAMPLES);
    assertEquals(images, countFiles(clusterOut.resolve("pyramid/x2")), clusterLog);
    List<Path> executorLogs = new ArrayList<>();
    for (int w = 1; w <= 2; w++) {
      try (Stream<Path> s = Files.walk(tmp.resolve("work" + w))) {
        s.filter(p -> p.getFileName().toString().equals("stderr")).forEach(executorLogs::add);
      }
    }
    assertEquals(2, executorLogs.size(), "executors started: " + executorLogs);
    for (Path log : executorLogs) {
      long sessions = Files.readAllLines(log).stream().filter(l -> l.contains("opened ONNX session")).count();
      assertEquals(1, sessions, "ONNX sessions in " + log);
    }
    System.out.printf("standalone cluster (2 workers x 1 core) %.1f s for %d images at x2"
        + " (spark-submit wall time, JVM start included): %.2f images/s%n",
        clusterSeconds, images, images / clusterSeconds);

    // An executor lost in the middle of encode: its tasks run again elsewhere and nothing doubles.
    long t2 = System.nanoTime();
    Set<Path> before = executorLogs();
    Path lossOut = tmp.resolve("loss-out");
    Path lossLog = tmp.resolve("submit-loss.log");
    Process job = startSubmit(home, jar, master, lossOut, lossLog);
    Path victim = newExecutorLogWith(before, "opened ONNX session", job, lossLog);
    int worker = Integer.parseInt(tmp.relativize(victim).getName(0).toString().substring("work".length()));
    daemons.get(worker).descendants().forEach(ProcessHandle::destroyForcibly); // SIGKILL, mid-task
    assertTrue(job.waitFor(300, TimeUnit.SECONDS), "spark-submit did not finish after the executor loss");
    String lossText = Files.readString(lossLog);
    assertEquals(0, job.exitValue(), lossText);
    assertTrue(lossText.contains("Lost executor") || lossText.contains("ExecutorLostFailure")
        || lossText.contains("Executor lost"), "the driver saw the executor go:\n" + lossText);
    OutputSnapshot lost = OutputSnapshot.of(lossOut);
    assertEquals(images, lost.fieldRows(), "one field row per image, none doubled by the retry");
    assertEquals(images, lost.fields().size());
    assertEquals(images, lost.manifestRows(), "one manifest row per image");
    assertEquals(images, countFiles(lossOut.resolve("pyramid/x2")));
    System.out.printf("executor killed during encode: the job finished in %.1f s with %d fields and %d manifest"
        + " rows for %d images%n", (System.nanoTime() - t2) / 1e9, lost.fieldRows(), lost.manifestRows(), images);
  }

  private Set<Path> executorLogs() throws IOException {
    Set<Path> logs = new HashSet<>();
    for (int w = 1; w <= 2; w++) {
      try (Stream<Path> s = Files.walk(tmp.resolve("work" + w))) {
        s.filter(p -> p.getFileName().toString().equals("stderr")).forEach(logs::add);
      }
    }
    return logs;
  }

  /** The stderr of an executor started after before was taken, once it contains text. */
  private Path newExecutorLogWith(Set<Path> before, String text, Process job, Path jobLog) throws Exception {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
    while (System.nanoTime() < until) {
      for (Path log : executorLogs()) {
        if (!before.contains(log) && Files.readString(log).contains(text)) {
          return log;
        }
      }
      assertTrue(job.isAlive(), "the job ended before an executor could be killed:\n" + Files.readString(jobLog));
      Thread.sleep(50);
    }
    throw new AssertionError("no new executor log with '" + text + "'");
  }

  /** A job with the analytic test model: what is tested is the cluster, not the model. */
  private String submit(Path home, Path jar, String master, Path out) throws Exception {
    Path log = tmp.resolve("submit-" + out.getFileName() + ".log");
    Process p = startSubmit(home, jar, master, out, log, "--model", JobRun.ANALYTIC_MODEL);
    assertTrue(p.waitFor(300, TimeUnit.SECONDS), "spark-submit did not finish");
    String text = Files.readString(log);
    assertEquals(0, p.exitValue(), text);
    return text;
  }

  /** The job submitted; jobOptions: more of its options (the default model otherwise, whose tasks last). */
  private Process startSubmit(Path home, Path jar, String master, Path out, Path log, String... jobOptions)
      throws IOException {
    List<String> args = new ArrayList<>(List.of("org.apache.spark.deploy.SparkSubmit", "--master", master,
        "--class", "dev.p2g.job.Main", "--conf", "spark.executor.memory=1g",
        "--conf", "spark.driver.host=127.0.0.1", jar.toString(),
        "run", "--input", SAMPLES.toString(), "--output", out.toString(), "--scales", "2"));
    args.addAll(List.of(jobOptions));
    return start(home, log, args.get(0), args.subList(1, args.size()).toArray(String[]::new));
  }

  private Process start(Path home, Path log, String mainClass, String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(OPENS);
    cmd.addAll(List.of("-cp", home.resolve("jars") + File.separator + "*", mainClass));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    Map<String, String> env = pb.environment();
    env.put("SPARK_HOME", home.toString());
    // else the launcher looks for a source build
    env.put("SPARK_SCALA_VERSION", SparkTestSession.scalaBinaryVersion());
    env.put("SPARK_LOCAL_IP", "127.0.0.1");
    return pb.start();
  }

  /** Spark and its dependencies from this class path; p2g's own classes come with the jar. */
  private Path sparkHome() throws IOException {
    Path jars = Files.createDirectories(tmp.resolve("spark-home/jars"));
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      Path p = Path.of(entry).toAbsolutePath();
      String name = p.getFileName().toString();
      // Not p2g's own jars, nor the test-only HDFS mini cluster (it bundles a second Hadoop).
      if (entry.endsWith(".jar") && !name.startsWith("p2g-") && !name.startsWith("hadoop-client-minicluster")) {
        Files.createSymbolicLink(jars.resolve(p.getFileName()), p);
      }
    }
    return jars.getParent();
  }

  private static Path shadedJar() throws IOException {
    String built = System.getProperty("p2g.shaded.jar"); // set by job/pom.xml: -spark.jar, or -spark3.5.jar
    if (built != null && Files.isRegularFile(Path.of(built))) {
      return Path.of(built).toAbsolutePath();
    }
    try (Stream<Path> s = Files.list(Path.of("target"))) {
      return s.filter(p -> p.getFileName().toString().endsWith("-spark.jar")).findFirst()
          .orElseThrow(() -> new IOException("no shaded jar in job/target: run after mvn package"))
          .toAbsolutePath();
    }
  }

  private static void waitFor(Path log, String text, int times, int seconds) throws Exception {
    long until = System.nanoTime() + seconds * 1_000_000_000L;
    while (System.nanoTime() < until) {
      if (Files.exists(log) && Files.readAllLines(log).stream().filter(l -> l.contains(text)).count() >= times) {
        return;
      }
      Thread.sleep(250);
    }
    throw new AssertionError("'" + text + "' x" + times + " not in " + log + ":\n" + Files.readString(log));
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static long countFiles(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith(".")
          && !p.getFileName().toString().startsWith("_")).count();
    }
  }
}
