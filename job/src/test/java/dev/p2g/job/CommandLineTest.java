package dev.p2g.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.p2g.job.cli.Option;
import dev.p2g.job.cli.OptionTable;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CommandLineTest {
  @TempDir
  Path tmp;

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "frobnicate --input a                                   | unknown command 'frobnicate'",
      "run --output o                                         | run needs --input",
      "run --input a --output o --scales 2,-1                 | --scales",
      "run --input a --output o --scales 0                    | positive",
      "run --input a --output o --device tpu                  | unknown --device 'tpu'",
      "run --input a --output o --colour red                  | unknown option --colour",
      "render --fields f --output o                           | render needs --scales",
      "run --input a --output o --max-error-fraction 2        | between 0 and 1",
      "run --input a --output o --alpha purple                | purple",
      "render --fields f --output o --scales 2 --render-batch 0    | --render-batch",
      "render --fields f --output o --scales 2 --render-batch 5000 | --render-batch 5000 is over 4096",
      "encode --input a --fields f --render-batch 4           | unknown option --render-batch",
      "run --input a --output o --progress-every -1           | --progress-every must be 0 or more",
      "run --input a --output o --report maybe                | --report takes on or off",
      "run --input a --output o --config /no/such/p2g.properties | cannot read the configuration file",
  })
  void badCommandLinesExitTwoWithOneClearLine(String args, String expected) {
    JobRun run = JobRun.of(args.trim().split("\\s+"));
    assertEquals(Main.USAGE, run.exitCode());
    assertTrue(run.err().contains(expected), run.err());
    assertEquals(1, run.err().lines().count(), "one line: " + run.err());
    assertTrue(run.out().isEmpty(), "nothing started: " + run.out());
  }

  @ParameterizedTest
  @ValueSource(strings = {"--help", "-h", "help"})
  void helpPrintsEveryOption(String args) {
    JobRun run = JobRun.of(args.split(" "));
    assertEquals(Main.OK, run.exitCode());
    for (Option<?> o : OptionTable.OPTIONS) {
      assertTrue(run.out().contains("--" + o.name() + " "), "--help lacks --" + o.name() + ":\n" + run.out());
    }
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "run --help                | usage: p2g run    | --max-pixels,--scales,--format | --fields,--errors",
      "encode --input x --help   | usage: p2g encode | --fields,--codec,--tile        | --scales,--format,--render-batch",
      "render --scales 2 --help  | usage: p2g render | --fields,--scales,--format     | --input,--alpha,--model",
  })
  void helpOfOneCommandListsItsOptionsOnly(String args, String head, String has, String hasNot) {
    JobRun run = JobRun.of(args.trim().split("\\s+"));
    assertEquals(Main.OK, run.exitCode());
    assertTrue(run.out().startsWith(head), run.out());
    for (String o : has.split(",")) {
      assertTrue(run.out().contains(o + " "), o + " missing:\n" + run.out());
    }
    for (String o : hasNot.split(",")) {
      assertFalse(run.out().contains(o + " "), o + " does not belong:\n" + run.out());
    }
  }

  @Test
  void aModelThatBreaksTheContractIsRefusedBeforeAnyImage() {
    Path out = tmp.resolve("out");
    JobRun run = JobRun.of("run", "--input", "../sample-data/images", "--output", out.toString(),
        "--model", "../udf/src/test/resources/models/wrong-output-name.onnx");
    assertEquals(Main.SYSTEMIC, run.exitCode());
    assertTrue(run.err().contains("breaks the model contract") && run.err().contains("color"), run.err());
    assertFalse(Files.exists(out.resolve("fields")), "no image was processed");
  }

  @Test
  void aMissingLocalInputIsACommandLineError() {
    JobRun run = JobRun.of("run", "--input", tmp.resolve("nope").toString(), "--output", tmp.resolve("o").toString());
    assertEquals(Main.USAGE, run.exitCode());
    assertEquals(1, run.err().lines().count(), run.err());
    assertTrue(run.err().contains("--input " + tmp.resolve("nope") + " does not exist"), run.err());
    assertFalse(Files.exists(tmp.resolve("o")), "nothing written");
  }

  @Test
  void renderOfAMissingFieldsFolderIsACommandLineError() {
    JobRun run = JobRun.of("render", "--fields", tmp.resolve("nope").toString(), "--output",
        tmp.resolve("o").toString(), "--scales", "2");
    assertEquals(Main.USAGE, run.exitCode());
    assertTrue(run.err().contains("is not a folder of stored fields"), run.err());
  }
}
