package dev.p2g.job;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.p2g.job.cli.JobConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every command in the README's sh blocks is exercised: p2g and Maven commands are run verbatim
 * by .ci/run, and a spark-submit command names the real main class and jar and passes the job's
 * own argument check. Blocks of sample output and synopses are marked text and not checked.
 */
class ReadmeCommandsTest {
  private static final Pattern SH_BLOCK = Pattern.compile("```sh\\n(.*?)```", Pattern.DOTALL);

  @Test
  void everyReadmeCommandIsRunByCiOrChecked() throws Exception {
    String readme = Files.readString(Path.of("../README.md"));
    List<String> ci = Files.readAllLines(Path.of("../.ci/run")).stream().map(String::trim).toList();
    List<String> commands = commands(readme);
    assertTrue(commands.size() >= 6, "the README's commands: " + commands);
    for (String command : commands) {
      if (command.startsWith("bin/p2g ") || command.startsWith("mvn ")) {
        assertTrue(ci.contains(command), ".ci/run does not run the README's command: " + command);
      } else if (command.startsWith("spark-submit ")) {
        checkSubmit(command);
      } else {
        throw new AssertionError("a README command nothing exercises: " + command);
      }
    }
  }

  /** The README's PySpark example is the file CI compiles, so a syntax error in it fails CI. */
  @Test
  void theReadmesPythonIsTheExampleCiCompiles() throws Exception {
    String readme = Files.readString(Path.of("../README.md"));
    Matcher python = Pattern.compile("```python\\n(.*?)```", Pattern.DOTALL).matcher(readme);
    assertTrue(python.find(), "the README shows a PySpark example");
    assertEquals(Files.readString(Path.of("../docs/examples/p2g_functions.py")), python.group(1));
    assertTrue(Files.readAllLines(Path.of("../.ci/run")).stream().map(String::trim)
        .anyMatch(l -> l.equals("python3 -m py_compile docs/examples/p2g_functions.py")), ".ci/run compiles it");
  }

  private static void checkSubmit(String command) throws Exception {
    List<String> words = Arrays.asList(command.split("\\s+"));
    assertEquals(Main.class.getName(), words.get(words.indexOf("--class") + 1), command);
    Matcher version = Pattern.compile("<version>([^<]+)</version>").matcher(Files.readString(Path.of("../pom.xml")));
    assertTrue(version.find());
    String jar = "job/target/p2g-job-" + version.group(1) + "-spark.jar";
    int at = words.indexOf(jar);
    assertTrue(at > 0, "spark-submit names " + jar + ", what the build makes: " + command);
    String[] args = words.subList(at + 1, words.size()).toArray(String[]::new);
    assertFalse(args.length == 0, command);
    assertDoesNotThrow(() -> JobConfig.parse(args, null), command);
  }

  static List<String> commands(String markdown) {
    List<String> out = new ArrayList<>();
    Matcher m = SH_BLOCK.matcher(markdown);
    while (m.find()) {
      StringBuilder current = new StringBuilder();
      for (String line : m.group(1).split("\n")) {
        String t = line.trim();
        if (t.isEmpty() || t.startsWith("#")) {
          continue;
        }
        boolean more = t.endsWith("\\");
        current.append(more ? t.substring(0, t.length() - 1).trim() + " " : t);
        if (!more) {
          out.add(current.toString().trim());
          current.setLength(0);
        }
      }
    }
    return out;
  }
}
