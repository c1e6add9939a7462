package dev.p2g.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.p2g.render.cuda.CudaDevices;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Spark's GPU scheduling as p2g meets it, on a real standalone cluster (local-cluster mode:
 * master and worker in a child JVM, executors in their own JVMs) whose worker discovers two
 * GPUs through a fake discovery script: tasks receive GPU addresses from TaskContext.resources(),
 * and the device policy turns them into its choice. Spark schedules GPUs only on clusters, so
 * local mode cannot show this. Local-cluster mode launches executors from SPARK_HOME/jars: the
 * test makes one from its own class path. Run alone: mvn -pl job verify -Dgroups=cluster
 */
@Tag("cluster")
class GpuSchedulingClusterTest {
  @TempDir
  Path tmp;

  @Test
  void tasksGetTheirGpuAndThePolicyUsesIt() throws Exception {
    String out = probe(tmp.resolve("two-gpus.sh"), "[\"0\",\"1\"]");
    List<String[]> tasks = out.lines().filter(l -> l.startsWith("task ")).map(l -> l.split(" "))
        .collect(Collectors.toList());
    assertEquals(4, tasks.size(), out + tail(tmp.resolve("probe.log")));
    for (String[] t : tasks) {
      String address = t[1];
      assertTrue(address.equals("0") || address.equals("1"), "task got GPU '" + address + "'");
      // The fake discovery names two GPUs whatever the host has: each address is judged by
      // whether CUDA starts on that ordinal here (on a one-GPU host, 1 does not).
      if (CudaDevices.problem(Integer.parseInt(address)).isEmpty()) {
        assertEquals("cuda:" + address, t[2]);
        assertEquals("ok:cuda:" + address, t[3]);
      } else {
        assertEquals("cpu", t[2], "auto falls back to the CPU where CUDA cannot start");
        assertTrue(t[3].startsWith("refused:--device_cuda:_CUDA_cannot_start_on_GPU_" + address + ":"), t[3]);
      }
    }
    System.out.println("gpu cluster probe: " + tasks.stream().map(Arrays::toString).collect(Collectors.joining("; ")));
  }

  @Test
  void theJobsEncodeAndRenderStagesAskForGpusThemselves() throws Exception {
    // No spark.task.resource.gpu.amount: only GpuStages' task profile can give tasks a GPU.
    Path output = tmp.resolve("out");
    String out = probe(tmp.resolve("one-gpu.sh"), "[\"0\"]", Path.of("../sample-data/images").toAbsolutePath().toString(),
        output.toString());
    assertTrue(out.contains("job exit 0"), out + tail(tmp.resolve("probe.log")));
    assertTrue(Files.isDirectory(output.resolve("pyramid/x2")), "no pyramid");
    // The executors' own logs say which GPU their tasks were given.
    String executorLogs;
    try (var files = Files.walk(tmp.resolve("spark-home/work"))) {
      StringBuilder b = new StringBuilder();
      for (Path f : files.filter(f -> f.getFileName().toString().equals("stderr")).toList()) {
        b.append(Files.readString(f));
      }
      executorLogs = b.toString();
    }
    boolean cudaWorks = CudaDevices.problem(0).isEmpty();
    if (!cudaWorks) {
      assertTrue(executorLogs.contains("rendering on the CPU: CUDA cannot start on GPU 0"), "render task got no GPU");
      assertTrue(executorLogs.contains("encoding on the CPU: CUDA cannot start on GPU 0"), "encode task got no GPU");
    }
  }

  /** Runs GpuClusterProbe in a child JVM with a SPARK_HOME made of this class path. */
  private String probe(Path discovery, String addresses, String... jobArgs) throws Exception {
    Path sparkHome = tmp.resolve("spark-home");
    Path jars = sparkHome.resolve("jars");
    List<String> dirs = new ArrayList<>();
    boolean link = !Files.isDirectory(jars);
    Files.createDirectories(jars);
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      Path p = Path.of(entry).toAbsolutePath();
      if (!entry.endsWith(".jar")) {
        dirs.add(p.toString());
      } else if (link) {
        Files.createSymbolicLink(jars.resolve(p.getFileName()), p);
      }
    }
    Files.writeString(discovery, "#!/bin/sh\necho '{\"name\":\"gpu\",\"addresses\":" + addresses + "}'\n");
    Files.setPosixFilePermissions(discovery, PosixFilePermissions.fromString("rwxr-xr-x"));
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/java.nio=ALL-UNNAMED",
        "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens=java.base/java.util=ALL-UNNAMED",
        "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
        "-cp", System.getProperty("java.class.path"), GpuClusterProbe.class.getName(),
        discovery.toString(), String.join(File.pathSeparator, dirs)));
    cmd.addAll(List.of(jobArgs));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().put("SPARK_HOME", sparkHome.toString());
    // else the launcher looks for a source build
    pb.environment().put("SPARK_SCALA_VERSION", SparkTestSession.scalaBinaryVersion());
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    Path log = tmp.resolve("probe.log");
    pb.redirectError(log.toFile());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(240, TimeUnit.SECONDS), "the cluster probe did not finish");
    assertEquals(0, p.exitValue(), out + tail(log));
    return out;
  }

  private static String tail(Path log) throws Exception {
    List<String> lines = Files.readAllLines(log);
    return "\n--- probe log ---\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
  }
}
