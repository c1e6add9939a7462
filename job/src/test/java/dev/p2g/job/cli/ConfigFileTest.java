package dev.p2g.job.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.p2g.render.Scale;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Options from conf/ files: every option has a key, the command line wins, typos stop the job. */
class ConfigFileTest {
  @TempDir
  Path tmp;

  @Test
  void fileValuesApplyAndTheCommandLineWins() throws Exception {
    Path file = write("scales = 0.5, 3\\nformat = jpg\\ntile = 64\\nfields = /ignored/by/run\\n"
        + "conf.spark.sql.shuffle.partitions = 7\\nconf.spark.ui.enabled = true\\n");
    JobConfig c = JobConfig.parse(new String[] {"run", "--input", "a", "--output", "o", "--format", "png",
        "--conf", "spark.ui.enabled=false", "--config", file.toString()}, null);
    assertEquals(List.of(Scale.parse("0.5"), Scale.parse("3")), c.scales(), "from the file");
    assertEquals(64, c.tile(), "from the file");
    assertEquals("png", c.format().extension(), "the command line wins");
    assertEquals(Map.of("spark.sql.shuffle.partitions", "7", "spark.ui.enabled", "false"), c.sparkConf());
    assertTrue(c.fields().endsWith("o/fields"), "a key run does not take is ignored: " + c.fields());
  }

  @Test
  void theDefaultFileIsReadWithoutConfigAndAnExplicitOneReplacesIt() throws Exception {
    Path byDefault = write("scales = 5\\n");
    JobConfig c = JobConfig.parse(new String[] {"run", "--input", "a", "--output", "o"}, byDefault.toString());
    assertEquals(List.of(Scale.parse("5")), c.scales());
    Path other = Files.writeString(tmp.resolve("other.properties"), "scales = 6\n");
    c = JobConfig.parse(new String[] {"run", "--input", "a", "--output", "o", "--config", other.toString()},
        byDefault.toString());
    assertEquals(List.of(Scale.parse("6")), c.scales());
  }

  @Test
  void fileValuesAreValidatedLikeTheCommandLine() throws Exception {
    Path bad = write("device = tpu\\n");
    UsageException e = assertThrows(UsageException.class, () -> JobConfig.parse(
        new String[] {"run", "--input", "a", "--output", "o"}, bad.toString()));
    assertTrue(e.getMessage().contains("unknown --device 'tpu'"), e.getMessage());
    Path typo = write("scale = 2\\n");
    e = assertThrows(UsageException.class, () -> JobConfig.parse(
        new String[] {"render", "--fields", "f", "--output", "o", "--scales", "2"}, typo.toString()));
    assertTrue(e.getMessage().contains("unknown key 'scale'"), e.getMessage());
  }

  /** The shipped file lists every option as a key, and as shipped (all commented out) changes nothing. */
  @Test
  void theShippedFileDocumentsEveryOption() throws Exception {
    Path shipped = Path.of("../conf/p2g.properties");
    String text = Files.readString(shipped);
    for (Option<?> o : OptionTable.OPTIONS) {
      if (!o.name().equals("config") && !o.name().equals("conf")) {
        String shown = o.defaultValue() == null ? "" : " " + o.defaultValue();
        assertTrue(text.contains("\n#" + o.name() + " =" + shown + "\n"),
            "conf/p2g.properties lacks the key " + o.name() + " with its default '" + shown.trim() + "'");
      }
    }
    assertTrue(text.contains("\n#conf."), "conf/p2g.properties shows conf.KEY");
    JobConfig plain = JobConfig.parse(new String[] {"run", "--input", "a", "--output", "o"}, null);
    JobConfig withFile = JobConfig.parse(new String[] {"run", "--input", "a", "--output", "o"}, shipped.toString());
    assertEquals(plain, withFile);
  }

  private Path write(String text) throws Exception {
    return Files.writeString(Files.createTempFile(tmp, "p2g", ".properties"), text.replace("\\n", "\n"));
  }
}
