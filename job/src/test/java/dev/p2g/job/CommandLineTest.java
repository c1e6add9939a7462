package dev.p2g.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.params.provider.CsvSource;

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
  })
  void badCommandLinesExitTwoWithOneClearLine(String args, String expected) {
    JobRun run = JobRun.of(args.trim().split("\\s+"));
    assertEquals(Main.USAGE, run.exitCode());
    assertTrue(run.err().contains(expected), run.err());
  }

  @ParameterizedTest
  @ValueSource(strings = {"run --help", "--help", "-h", "help", "render --scales 2 --help"})
  void helpPrintsUsage(String args) {
    JobRun run = JobRun.of(args.split(" "));
    assertEquals(Main.OK, run.exitCode());
    assertTrue(run.out().contains("usage: p2g") && run.out().contains("--max-pixels"), run.out());
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
  void aMissingInputIsSystemic() {
    JobRun run = JobRun.of("run", "--input", tmp.resolve("nope").toString(), "--output", tmp.resolve("o").toString());
    assertEquals(Main.SYSTEMIC, run.exitCode());
    assertTrue(run.err().contains("input does not exist"), run.err());
  }
}
