package dev.p2g.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.p2g.job.cli.JobConfig;
import dev.p2g.job.cli.UsageException;
import dev.p2g.render.DevicePolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The files in deploy/ cannot run here (no cluster, no container engine), so they are held to
 * what can go stale: the p2g arguments they pass must parse, they must name the main class, the
 * jar and script paths inside the image must agree, and the Spark version must be the build's.
 */
class DeployFilesTest {
  private static final Path DEPLOY = Path.of("../deploy");
  private static final String JAR_IN_IMAGE = "/opt/p2g/p2g.jar";
  private static final String DISCOVERY_IN_IMAGE = "/opt/p2g/deploy/gpu/discover-gpus.sh";

  @ParameterizedTest
  @ValueSource(strings = {"local.sh", "standalone.sh", "yarn.sh", "kubernetes.sh"})
  void submitScriptsPassArgumentsTheJobAccepts(String script) throws Exception {
    ProcessBuilder pb = new ProcessBuilder("bash", DEPLOY.resolve("submit").resolve(script).toString(),
        "s3a://bucket/in", "s3a://bucket/out", "--device", "cpu");
    pb.environment().put("P2G_DRY_RUN", "1");
    if (script.equals("kubernetes.sh")) {
      pb.environment().remove("P2G_JAR"); // its default is the jar inside the image
    } else {
      pb.environment().put("P2G_JAR", "/jars/p2g-job-spark.jar");
    }
    pb.redirectErrorStream(true);
    Process p = pb.start();
    List<String> argv = new String(p.getInputStream().readAllBytes()).lines().toList();
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), String.join("\n", argv));
    assertEquals("spark-submit", argv.get(0));
    int cls = argv.indexOf("--class");
    assertTrue(cls > 0, "names the main class: " + argv);
    assertEquals(Main.class.getName(), argv.get(cls + 1));
    List<String> jobArgs = argv.subList(cls + 3, argv.size());
    JobConfig config = JobConfig.parse(jobArgs.toArray(String[]::new));
    assertEquals(JobConfig.Command.RUN, config.command());
    assertEquals(DevicePolicy.CPU, config.device(), "extra arguments reach the job");
    if (!script.equals("local.sh")) {
      assertEquals(List.of("s3a://bucket/in"), config.inputs());
    }
    if (script.equals("kubernetes.sh")) {
      assertEquals("local://" + JAR_IN_IMAGE, argv.get(cls + 2));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"p2g.yaml", "p2g-gpu.yaml"})
  void sparkApplicationsRunTheImageJarWithValidArguments(String manifest) throws IOException {
    String yaml = Files.readString(DEPLOY.resolve("kubernetes").resolve(manifest));
    assertTrue(yaml.contains("kind: SparkApplication"));
    assertEquals(Main.class.getName(), value(yaml, "mainClass"));
    assertEquals("local://" + JAR_IN_IMAGE, value(yaml, "mainApplicationFile"));
    assertEquals("\"" + sparkVersion() + "\"", value(yaml, "sparkVersion"));
    List<String> arguments = new ArrayList<>();
    Matcher list = Pattern.compile("(?m)^  arguments:\\n((?:    - .*\\n)+)").matcher(yaml);
    assertTrue(list.find(), "an arguments list");
    list.group(1).lines().forEach(l -> arguments.add(l.substring("    - ".length()).trim()));
    JobConfig config = assertDoesNotThrowUsage(arguments);
    if (manifest.contains("gpu")) {
      assertEquals(DevicePolicy.CUDA, config.device());
      assertEquals(DISCOVERY_IN_IMAGE, value(yaml, "spark.executor.resource.gpu.discoveryScript"));
      assertTrue(yaml.contains("nvidia.com/gpu"));
    }
    assertTrue(!yaml.contains("AWS_SECRET_ACCESS_KEY:") && !yaml.contains("secret.key"),
        "no credentials in the manifest itself");
  }

  @ParameterizedTest
  @ValueSource(strings = {"Dockerfile", "Dockerfile.gpu"})
  void containerFilesStartFromSparksOfficialImageOfTheBuildsVersion(String file) throws IOException {
    String text = Files.readString(DEPLOY.resolve("container").resolve(file));
    assertTrue(text.contains("ARG SPARK_IMAGE=apache/spark:" + sparkVersion() + "-scala2.13-"), text);
    assertTrue(text.contains("COPY job/target/p2g-job-*-spark.jar " + JAR_IN_IMAGE), "the jar at " + JAR_IN_IMAGE);
    if (file.endsWith(".gpu")) {
      assertTrue(text.contains("COPY deploy/gpu/discover-gpus.sh " + DISCOVERY_IN_IMAGE));
      String defaults = Files.readString(DEPLOY.resolve("gpu/spark-defaults.conf"));
      assertTrue(defaults.contains(DISCOVERY_IN_IMAGE), "spark-defaults.conf names the script where the image has it");
      assertTrue(defaults.lines().anyMatch(l -> l.matches("spark\\.executor\\.extraJavaOptions\\s+.*-Djava\\.io\\.tmpdir=\\..*")),
          "each executor extracts native libraries into its own directory");
    }
    for (Matcher m = Pattern.compile("(?m)^COPY (?!--from)(\\S+) ").matcher(text); m.find(); ) {
      String source = m.group(1).replace("p2g-job-*-spark.jar", "");
      assertTrue(source.startsWith("job/target/") || Files.exists(Path.of("..", source)), "COPY source " + source);
    }
  }

  @Test
  void everyShellScriptParses() throws Exception {
    try (Stream<Path> files = Files.walk(DEPLOY)) {
      for (Path f : files.filter(f -> f.toString().endsWith(".sh")).toList()) {
        Process p = new ProcessBuilder("bash", "-n", f.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), f + ": " + out);
      }
    }
  }

  private static JobConfig assertDoesNotThrowUsage(List<String> args) {
    try {
      return JobConfig.parse(args.toArray(String[]::new));
    } catch (UsageException e) {
      throw new AssertionError("the job refuses " + args + ": " + e.getMessage(), e);
    }
  }

  /** "key: value" (YAML) or "key value" on a line of its own; null when absent. */
  private static String value(String text, String key) {
    Matcher m = Pattern.compile("(?m)^\\s*" + Pattern.quote(key) + "[:\\s]\\s*(\\S+)\\s*$").matcher(text);
    return m.find() ? m.group(1) : null;
  }

  private static String sparkVersion() throws IOException {
    Matcher m = Pattern.compile("<spark.version>([^<]+)</spark.version>").matcher(Files.readString(Path.of("../pom.xml")));
    assertTrue(m.find());
    return m.group(1);
  }
}
