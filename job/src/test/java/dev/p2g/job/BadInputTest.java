package dev.p2g.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.p2g.tables.ErrorRecord;
import dev.p2g.tables.ManifestTable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Broken files among good ones: each gets an errors/ row with its reason, the rest completes, exit 0. */
class BadInputTest {
  private static final Path SAMPLES = Path.of("../sample-data/images");

  @TempDir
  Path tmp;

  @Test
  void brokenFilesAreRecordedAndTheRestCompletes() throws IOException {
    Path input = tmp.resolve("in");
    int good = copySamples(input);
    Files.write(input.resolve("empty.png"), new byte[0]);
    Files.writeString(input.resolve("notes.jpg"), "this is not a JPEG, just text\n", StandardCharsets.UTF_8);
    byte[] jpeg = Files.readAllBytes(SAMPLES.resolve("evening-glow.jpg"));
    Files.write(input.resolve("truncated.jpg"), Arrays.copyOf(jpeg, jpeg.length / 2));
    Files.writeString(input.resolve("README.txt"), "not an image extension: skipped, and counted");
    Files.move(input.resolve("test-card.png"), input.resolve("a name with spaces, é.PNG"));
    Files.write(input.resolve("noise.webp"), new java.util.Random(7).ints(4096, 0, 256)
        .collect(java.io.ByteArrayOutputStream::new, (b, v) -> b.write(v), (a, b) -> { }).toByteArray());
    Files.write(input.resolve("bomb.png"), pngHeaderOnly(100_000, 100_000));
    // content decides, not the name: a PNG called .jpg is an image like any other
    Files.copy(SAMPLES.resolve("grey-weave.png"), input.resolve("png-named.jpg"));
    good++;

    Path out = tmp.resolve("out");
    JobRun run = JobRun.of("run", "--input", input.toString(), "--output", out.toString(), "--scales", "2",
        "--model", JobRun.ANALYTIC_MODEL);

    assertEquals(Main.OK, run.exitCode(), run.err());
    assertTrue(run.out().contains("1 other files skipped"), run.out());
    Map<String, Row> errors = new HashMap<>();
    for (Row r : SparkTestSession.get().read().schema(ErrorRecord.SCHEMA).parquet(out.resolve("errors").toString())
        .collectAsList()) {
      errors.put(r.getString(r.fieldIndex("key")), r);
    }
    assertEquals(5, errors.size(), "errors: " + errors);
    assertError(errors.get("noise.webp"), "decode.unrecognised", "not a recognised image");
    assertError(errors.get("bomb.png"), "decode.too-large", "100000x100000");
    assertError(errors.get("empty.png"), "decode.empty", "empty");
    assertError(errors.get("notes.jpg"), "decode.unrecognised", "not a recognised image");
    assertError(errors.get("truncated.jpg"), "decode.corrupt", "truncated or corrupt");

    List<Row> manifest = SparkTestSession.get().read().schema(ManifestTable.SCHEMA)
        .parquet(out.resolve("manifest").toString()).collectAsList();
    assertEquals(good, manifest.size(), "every good image rendered");
    assertTrue(manifest.stream().anyMatch(m -> m.getString(m.fieldIndex("key")).equals("a name with spaces, é.PNG")));
    assertTrue(Files.exists(out.resolve("pyramid/x2/a name with spaces, é.png")));
    for (Row m : manifest) {
      assertFalse(errors.containsKey(m.getString(m.fieldIndex("key"))));
    }
  }

  @Test
  void collidingOutputNamesKeepTheFirstAndRecordTheRest() throws IOException {
    Path first = tmp.resolve("first");
    Path second = tmp.resolve("second");
    Files.createDirectories(first.resolve("dup"));
    Files.createDirectories(second);
    Files.copy(SAMPLES.resolve("evening-glow.jpg"), first.resolve("dup/cat.jpg"));
    Files.copy(SAMPLES.resolve("test-card.png"), first.resolve("dup/cat.png"));
    Files.copy(SAMPLES.resolve("test-card.png"), first.resolve(".hidden.png"));
    Files.copy(SAMPLES.resolve("test-card.png"), first.resolve("_partial.png"));
    Files.copy(SAMPLES.resolve("grey-weave.png"), second.resolve("grey.png"));

    Path out = tmp.resolve("out");
    JobRun run = JobRun.of("run", "--input", first.toString(), "--input", second.toString(),
        "--output", out.toString(), "--scales", "1", "--model", JobRun.ANALYTIC_MODEL);

    assertEquals(Main.OK, run.exitCode(), run.err());
    assertTrue(run.out().contains("listed 2 images") && run.out().contains("1 duplicate names refused"),
        run.out());
    List<Row> errors = SparkTestSession.get().read().schema(ErrorRecord.SCHEMA)
        .parquet(out.resolve("errors").toString()).collectAsList();
    assertEquals(1, errors.size(), "errors: " + errors);
    assertEquals("dup/cat.png", errors.get(0).getString(errors.get(0).fieldIndex("key")));
    assertEquals("list.duplicate-name", errors.get(0).getString(errors.get(0).fieldIndex("error_class")));
    // cat.jpg sorts first, so the pyramid's dup/cat.png is the 512x320 JPEG, not the 128x96 card.
    assertEquals(512, javax.imageio.ImageIO.read(out.resolve("pyramid/x1/dup/cat.png").toFile()).getWidth());
    assertTrue(Files.exists(out.resolve("pyramid/x1/grey.png")), "keys are relative to each input root");
    assertFalse(Files.exists(out.resolve("pyramid/x1/.hidden.png")), "hidden files are skipped");
    assertFalse(Files.exists(out.resolve("pyramid/x1/_partial.png")), "underscore files are skipped");
  }

  @Test
  void tooManyFailuresExitOne() throws IOException {
    Path input = tmp.resolve("junk");
    Files.createDirectories(input);
    for (int i = 0; i < 3; i++) {
      Files.writeString(input.resolve("junk" + i + ".png"), "junk " + i);
    }
    JobRun run = JobRun.of("run", "--input", input.toString(), "--output", tmp.resolve("o").toString(),
        "--scales", "2", "--model", JobRun.ANALYTIC_MODEL);
    assertEquals(Main.SYSTEMIC, run.exitCode());
    assertTrue(run.out().contains("3 of 3 images failed"), run.out());
    // nothing rendered, and still a report that says why
    String summary = Files.readString(tmp.resolve("o/report/summary.json"));
    assertTrue(summary.contains("\"decode.unrecognised\" : 3"), summary);
    assertTrue(Files.readString(tmp.resolve("o/report/index.html")).contains("junk2.png"), "the error table");
  }

  /** A PNG signature and a valid IHDR claiming width x height, then IEND: a few bytes, a huge image. */
  private static byte[] pngHeaderOnly(int width, int height) {
    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8 + 25 + 12);
    b.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
    byte[] ihdr = java.nio.ByteBuffer.allocate(17).put("IHDR".getBytes(StandardCharsets.US_ASCII))
        .putInt(width).putInt(height).put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0).array();
    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
    crc.update(ihdr);
    b.putInt(13).put(ihdr).putInt((int) crc.getValue());
    crc.reset();
    crc.update("IEND".getBytes(StandardCharsets.US_ASCII));
    b.putInt(0).put("IEND".getBytes(StandardCharsets.US_ASCII)).putInt((int) crc.getValue());
    return b.array();
  }

  private static void assertError(Row row, String errorClass, String inMessage) {
    assertTrue(row != null, "no error row for " + errorClass);
    assertEquals(errorClass, row.getString(row.fieldIndex("error_class")));
    assertEquals("encode", row.getString(row.fieldIndex("stage")));
    String message = row.getString(row.fieldIndex("message"));
    assertTrue(message.contains(inMessage), "message: " + message);
    assertTrue(row.getString(row.fieldIndex("source_uri")).startsWith("file:"));
  }

  private static int copySamples(Path to) throws IOException {
    Files.createDirectories(to);
    int n = 0;
    try (Stream<Path> s = Files.walk(SAMPLES)) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        Path dest = to.resolve(SAMPLES.relativize(p).toString());
        Files.createDirectories(dest.getParent());
        Files.copy(p, dest);
        n++;
      }
    }
    return n;
  }
}
