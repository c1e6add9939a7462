package dev.p2g.job.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.p2g.encode.AlphaPolicy;
import dev.p2g.field.FieldCodecs;
import dev.p2g.render.DevicePolicy;
import dev.p2g.render.OutputFormat;
import dev.p2g.render.Scale;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The option declarations: how the command line splits, what each option becomes, what it refuses. */
class OptionTableTest {
  private static JobConfig parse(String line) throws UsageException {
    return JobConfig.parse(line.trim().split("\\s+"), null);
  }

  @Test
  void absentOptionsTakeTheirDeclaredDefaults() throws Exception {
    JobConfig c = parse("run --input a --output o");
    assertEquals(List.of(Scale.parse("2"), Scale.parse("3"), Scale.parse("4")), c.scales());
    assertEquals(DevicePolicy.AUTO, c.device());
    assertEquals(OutputFormat.PNG, c.format());
    assertEquals(dev.p2g.encode.ImageDecoder.DEFAULT_MAX_PIXELS, c.maxPixels());
    assertEquals(0.5, c.maxErrorFraction());
    assertEquals(AlphaPolicy.DEFAULT, c.alpha());
    assertEquals(FieldCodecs.byName(FieldCodecs.DEFAULT), c.codec());
    assertEquals(1, c.ortThreads());
    assertEquals(512, c.tile());
    assertEquals(10, c.progressSeconds());
    assertTrue(c.report());
    assertFalse(c.verifySources());
    assertEquals(0, c.renderBatch(), "0: the renderer's own batch");
    assertEquals(Map.of(), c.sparkConf());
  }

  @Test
  void givenOptionsBecomeTypedValues() throws Exception {
    JobConfig c = parse("run --input a b --input c,d --output o --scales 2 --scales 4,2 --device cpu --format jpg"
        + " --codec f16 --alpha white --tile 64 --verify-sources --report off --conf k=v --conf j=w=x"
        + " --commit-every 1_000 --max-error-fraction 0");
    assertEquals(List.of("a", "b", "c", "d"), c.inputs(), "--input takes several words and repeats");
    assertEquals(List.of(Scale.parse("2"), Scale.parse("4")), c.scales(), "repeats add; a level given twice is one");
    assertEquals(DevicePolicy.CPU, c.device());
    assertEquals(OutputFormat.JPG, c.format());
    assertEquals("f16", c.codec().name());
    assertEquals(AlphaPolicy.WHITE, c.alpha());
    assertEquals(64, c.tile());
    assertTrue(c.verifySources(), "a flag takes no value");
    assertFalse(c.report());
    assertEquals(Map.of("k", "v", "j", "w=x"), c.sparkConf());
    assertEquals(1000, c.commitEvery());
    assertEquals(0.0, c.maxErrorFraction());
    assertTrue(c.fields().endsWith("o/fields") && c.errors().endsWith("o/errors"), "run's paths from --output");
  }

  @Test
  void encodePutsErrorsBesideFieldsUnlessTold() throws Exception {
    assertEquals("s3a://b/x/errors", parse("encode --input a --fields s3a://b/x/fields/").errors());
    assertEquals("e", parse("encode --input a --fields f --errors e").errors());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "run --input a --output o --tile 8                  | --tile must be between 32 and 16384, got 8",
      "run --input a --output o --tile 20000              | --tile 20000 is over 16384",
      "run --input a --output o --encode-batch 300        | --encode-batch 300 is over 256",
      "run --input a --output o --ort-threads two         | --ort-threads must be a positive integer, got 'two'",
      "run --input a --output o --format jpg --format png | --format given twice",
      "run --input a --output o --verify-sources=maybe    | --verify-sources takes no value",
      "run --input a --output o --codec zip               | unknown field codec 'zip'",
      "run --input a --output o --conf novalue            | --conf takes KEY=VALUE, got 'novalue'",
      "run --input a --output o --scales ,                | --scales lists no scale",
      "run --input a --output o --format                  | --format needs a value",
      "encode --fields f                                  | encode needs --input",
      "render --output o --scales 2                       | render needs --fields",
  })
  void badValuesAreRefusedWithTheOptionNamed(String line, String expected) {
    UsageException e = assertThrows(UsageException.class, () -> parse(line));
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }

  @Test
  void helpShowsEachDefaultOnceAndOnlyWhereItApplies() {
    String run = OptionTable.usage(JobConfig.Command.RUN);
    assertTrue(run.contains("(default 2,3,4)"), run);
    String render = OptionTable.usage(JobConfig.Command.RENDER);
    assertFalse(render.contains("2,3,4"), "render requires --scales:\n" + render);
    assertTrue(OptionTable.usage().contains("(default 2,3,4 for run, required for render)"));
  }
}
