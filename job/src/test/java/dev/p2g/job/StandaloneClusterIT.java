package dev.p2g.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shaded jar on a real Spark standalone cluster: a master and two workers, each its own JVM
 * on loopback (one core each, so two executors), the job submitted through SparkSubmit as
 * spark-submit does, and the same submission in local mode for comparison. Checks the outputs
 * and that each executor JVM opened exactly one ONNX session. SPARK_HOME is assembled from this
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
    long t1 = System.nanoTime();
    Path localOut = tmp.resolve("local-out");
    submit(home, jar, "local[2]", localOut);
    double localSeconds = (System.nanoTime() - t1) / 1e9;

    long images = countFiles(SAMPLES);
    assertEquals(images, countFiles(clusterOut.resolve("pyramid/x2")), clusterLog);
    assertEquals(images, countFiles(localOut.resolve("pyramid/x2")));
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
    System.out.printf("standalone cluster (2 workers x 1 core) %.1f s, local[2] %.1f s, for %d images at x2"
        + " (spark-submit wall times, JVM start included): %.2f vs %.2f images/s%n",
        clusterSeconds, localSeconds, images, images / clusterSeconds, images / localSeconds);
  }

  private String submit(Path home, Path jar, String master, Path out) throws Exception {
    Path log = tmp.resolve("submit-" + out.getFileName() + ".log");
    Process p = start(home, log, "org.apache.spark.deploy.SparkSubmit", "--master", master,
        "--class", "dev.p2g.job.Main", "--conf", "spark.executor.memory=1g",
        "--conf", "spark.driver.host=127.0.0.1", jar.toString(),
        "run", "--input", SAMPLES.toString(), "--output", out.toString(), "--scales", "2");
    assertTrue(p.waitFor(300, TimeUnit.SECONDS), "spark-submit did not finish");
    String text = Files.readString(log);
    assertEquals(0, p.exitValue(), text);
    return text;
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
    env.put("SPARK_SCALA_VERSION", "2.13"); // else the launcher looks for a source build
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
