package dev.p2g.job;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Runs Main in-process on the shared test session and keeps what it printed. */
public record JobRun(int exitCode, String out, String err) {
  /**
   * The analytic test model (interpolates its samples, some 30 times the default model's speed):
   * for tests where what is tested is not the model (storage, resumption, layouts, stores).
   */
  public static final String ANALYTIC_MODEL = java.nio.file.Path.of("../udf/src/test/resources/models/analytic-v1.onnx")
      .toAbsolutePath().toUri().toString();

  public static JobRun of(String... args) {
    SparkTestSession.get();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    JobRun run = new JobRun(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    System.out.print(run.out);
    System.err.print(run.err);
    return run;
  }
}
