package dev.p2g.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.p2g.io.HadoopFiles;
import dev.p2g.tables.FieldTable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.SaveMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A re-run decides from the listing alone that a source is unchanged, and reads it only when its
 * listing changed (or --verify-sources says so). The proof that nothing is read is independent of
 * the job's own counters: a source whose bytes are replaced behind an unchanged listing (same size,
 * time put back) is not re-encoded, which it would be had the job read it.
 */
class SourceSkipTest {
  private static final String TAMPERED = "test-card.png";
  private static final Pattern READ = Pattern.compile(
      "encode read (\\d+) bytes of sources; (\\d+) sources hashed because [^,]*, (\\d+) of them changed");

  @TempDir
  Path tmp;

  @Test
  void unchangedListingsAreNotReadAndVerifyFindsWhatTheyHide() throws IOException {
    Path input = ResumeTest.copySamples(tmp.resolve("in"));
    Path out = tmp.resolve("out");
    assertEquals(Main.OK, encode(input, out).exitCode());
    Path file = input.resolve(TAMPERED);
    FileTime time = Files.getLastModifiedTime(file);
    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length / 2] ^= 0x55; // same size, other content: a corrupt PNG now
    Files.write(file, bytes);
    Files.setLastModifiedTime(file, time);

    JobRun trusting = encode(input, out);
    assertEquals(Main.OK, trusting.exitCode(), trusting.err());
    assertRead(trusting, 0, 0, 0);
    assertTrue(trusting.out().contains("encode wrote 0 fields") && trusting.out().contains("skipped 8 images"),
        trusting.out());

    JobRun verifying = JobRun.of("encode", "--input", input.toString(), "--fields", out.resolve("fields").toString(),
        "--verify-sources", "--model", JobRun.ANALYTIC_MODEL);
    assertEquals(Main.OK, verifying.exitCode(), verifying.err());
    long allBytes = imageBytes(input);
    assertRead(verifying, allBytes + bytes.length, 8, 1); // every source hashed, then the changed one read again
    assertTrue(verifying.out().contains("1 failed"), "the tampered PNG is read and refused: " + verifying.out());
  }

  @Test
  void aTouchedSourceIsHashedOnceAndAnOldTableOnce() throws IOException {
    Path input = ResumeTest.copySamples(tmp.resolve("in"));
    Path out = tmp.resolve("out");
    assertEquals(Main.OK, encode(input, out).exitCode());
    Path file = input.resolve(TAMPERED);
    Files.setLastModifiedTime(file, FileTime.fromMillis(Files.getLastModifiedTime(file).toMillis() + 60_000));

    JobRun touched = encode(input, out);
    assertRead(touched, Files.size(file), 1, 0);
    assertTrue(touched.out().contains("encode wrote 0 fields"), touched.out());
    assertRead(encode(input, out), 0, 0, 0); // its check vouches for the new listing now

    // fields written before the listing columns existed: every source is hashed once, then trusted
    String fields = out.resolve("fields").toString();
    Path old = tmp.resolve("old-fields");
    SparkTestSession.get().read().parquet(fields)
        .drop(FieldTable.SOURCE_SIZE, FieldTable.SOURCE_MODIFIED, FieldTable.SOURCE_ETAG)
        .write().mode(SaveMode.Overwrite).parquet(old.toString());
    try (var stale = Files.walk(out.resolve("fields"))) {
      for (Path p : stale.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
    Files.move(old, out.resolve("fields"));
    JobRun legacy = encode(input, out);
    assertEquals(Main.OK, legacy.exitCode(), legacy.err());
    long allBytes = imageBytes(input);
    assertRead(legacy, allBytes, 8, 0);
    assertTrue(legacy.out().contains("encode wrote 0 fields"), legacy.out());
    assertRead(encode(input, out), 0, 0, 0);
    assertEquals(HadoopFiles.sha256Hex(Files.readAllBytes(file)),
        OutputSnapshot.of(out).fields().get(TAMPERED).split(" ")[0]);
  }

  /**
   * By Hadoop's own count of the bytes read through the sources' file system (a scheme of their
   * own, so the job's tables are not counted): the first run reads every source, a re-run of an
   * unchanged dataset none.
   */
  @Test
  void aReRunOfAnUnchangedDatasetReadsNoSourceBytesByHadoopsStatistics() throws IOException {
    Path input = ResumeTest.copySamples(tmp.resolve("in"));
    Path out = tmp.resolve("out");
    org.apache.hadoop.conf.Configuration hadoop = SparkTestSession.get().sparkContext().hadoopConfiguration();
    SourceFileSystem.settings().forEach(hadoop::set);
    String sources = SourceFileSystem.SCHEME + "://" + input.toAbsolutePath();
    try {
      long before = SourceFileSystem.bytesRead();
      JobRun first = JobRun.of("encode", "--input", sources, "--fields", out.resolve("fields").toString(), "--model",
          JobRun.ANALYTIC_MODEL);
      assertEquals(Main.OK, first.exitCode(), first.err());
      assertTrue(first.out().contains("encode wrote 8 fields"), first.out());
      long firstRead = SourceFileSystem.bytesRead() - before;
      assertTrue(firstRead >= imageBytes(input), "the first run reads every source: " + firstRead);

      long beforeRerun = SourceFileSystem.bytesRead();
      JobRun again = JobRun.of("encode", "--input", sources, "--fields", out.resolve("fields").toString(), "--model",
          JobRun.ANALYTIC_MODEL);
      assertEquals(Main.OK, again.exitCode(), again.err());
      assertTrue(again.out().contains("skipped 8 images"), again.out());
      assertEquals(0, SourceFileSystem.bytesRead() - beforeRerun, "source bytes the re-run read");
    } finally {
      SourceFileSystem.settings().keySet().forEach(hadoop::unset);
    }
  }

  private static long imageBytes(Path input) throws IOException {
    try (var files = Files.walk(input)) {
      return files.filter(Files::isRegularFile).filter(f -> dev.p2g.io.ImageKeys.isImage(f.getFileName().toString()))
          .mapToLong(f -> f.toFile().length()).sum();
    }
  }

  private static JobRun encode(Path input, Path out) {
    return JobRun.of("encode", "--input", input.toString(), "--fields", out.resolve("fields").toString(), "--model",
        JobRun.ANALYTIC_MODEL);
  }

  private static void assertRead(JobRun run, long bytes, long hashed, long changed) {
    Matcher m = READ.matcher(run.out());
    assertTrue(m.find(), run.out());
    assertEquals(bytes, Long.parseLong(m.group(1)), "source bytes read: " + m.group());
    assertEquals(hashed, Long.parseLong(m.group(2)), "sources hashed: " + m.group());
    assertEquals(changed, Long.parseLong(m.group(3)), "sources changed: " + m.group());
  }
}
