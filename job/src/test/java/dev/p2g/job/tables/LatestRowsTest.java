package dev.p2g.job.tables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.p2g.job.SparkTestSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Superseded rows go, every other row stays exactly once, also when a compaction was killed half-way. */
class LatestRowsTest {
  private static final StructType SCHEMA = new StructType()
      .add("key", DataTypes.StringType, false)
      .add("at", DataTypes.TimestampType, false)
      .add("value", DataTypes.IntegerType, false);
  private static final Timestamp OLD = new Timestamp(1_000);
  private static final Timestamp NEW = new Timestamp(2_000);

  @TempDir
  Path tmp;

  @Test
  void keepsTheLatestRowOfEachGroup() throws Exception {
    LatestRows.Table table = twoGenerations(tmp.resolve("t"));
    assertEquals(2, LatestRows.compact(spark(), table, new Configuration()));
    assertEquals(expected(), contents(table));
    assertEquals(0, LatestRows.compact(spark(), table, new Configuration()), "nothing left to remove");
    assertEquals(expected(), contents(table));
  }

  /** The marker skips a compacted table until a run says it appends; then the new supersession is found. */
  @Test
  void theCompactedMarkerHoldsUntilARunAppends() throws Exception {
    Path root = tmp.resolve("t");
    LatestRows.Table table = twoGenerations(root);
    Configuration conf = new Configuration();
    assertEquals(2, LatestRows.compact(spark(), table, conf));
    assertTrue(LatestRows.isCompacted(table, conf));
    LatestRows.appending(table, conf);
    assertFalse(LatestRows.isCompacted(table, conf));
    write(root, List.of(RowFactory.create("d", NEW, 40))); // d again, newer
    assertEquals(1, LatestRows.compact(spark(), table, conf), "d's old row found once the marker is gone");
    TreeMap<String, Integer> expected = expected();
    expected.put("d", 40);
    assertEquals(expected, contents(table));
    assertEquals(0, LatestRows.compact(spark(), table, conf), "marked again: nothing read");
  }

  /** A journal of the earlier, move-based form (left by a run of an older p2g) is still finished. */
  @Test
  void finishesAnEarlierFormOfJournal() throws Exception {
    Path root = tmp.resolve("t");
    LatestRows.Table table = twoGenerations(root);
    // a compaction killed half-way through its journal: the old file deleted, its rewrite not yet moved in
    Path oldFile = fileWith(root, 3);
    Path work = root.resolve(TableRewrite.WORK_DIR);
    spark().createDataFrame(List.of(RowFactory.create("a", OLD, 1)), SCHEMA).coalesce(1).write()
        .parquet(work.resolve("new").toString());
    Path staged = dataFiles(work.resolve("new")).get(0);
    Files.writeString(work.resolve(TableRewrite.JOURNAL), "delete\t" + oldFile.toUri() + "\nmove\t" + staged.toUri()
        + "\t" + root.resolve(staged.getFileName()).toUri() + "\n");
    Files.delete(oldFile);
    LatestRows.compact(spark(), table, new Configuration());
    assertEquals(expected(), contents(table));
  }

  /** Killed after the rewrite's append committed, before the old file went: the old file goes, nothing doubles. */
  @Test
  void finishesARewriteKilledAfterItsAppendCommitted() throws Exception {
    Path root = tmp.resolve("t");
    LatestRows.Table table = twoGenerations(root);
    Path oldFile = fileWith(root, 3);
    stageTagged(root, "p2g-rewrite-1", List.of(RowFactory.create("a", OLD, 1)));
    Files.writeString(journal(root), "rewrite\tp2g-rewrite-1\t1\ndelete\t" + oldFile.toUri() + "\nend\n");
    LatestRows.compact(spark(), table, new Configuration());
    assertEquals(expected(), contents(table));
    assertFalse(Files.exists(oldFile));
  }

  /** Killed while the append committed (fewer rows than the journal says): its files go, the old ones stay. */
  @Test
  void undoesARewriteWhoseAppendCommittedInPart() throws Exception {
    Path root = tmp.resolve("t");
    LatestRows.Table table = twoGenerations(root);
    Path oldFile = fileWith(root, 3);
    stageTagged(root, "p2g-rewrite-2", List.of(RowFactory.create("a", OLD, 1)));
    Files.writeString(journal(root), "rewrite\tp2g-rewrite-2\t2\ndelete\t" + oldFile.toUri() + "\nend\n");
    assertEquals(2, LatestRows.compact(spark(), table, new Configuration()), "then compacted afresh");
    assertEquals(expected(), contents(table));
  }

  /** A journal cut short by a kill (no end line) was never acted on: it is dropped, not obeyed. */
  @Test
  void ignoresAJournalCutShort() throws Exception {
    Path root = tmp.resolve("t");
    LatestRows.Table table = twoGenerations(root);
    Path unrelated = fileWith(root, 1); // d's file: deleting it would lose d
    Files.createDirectories(journal(root).getParent());
    Files.writeString(journal(root), "rewrite\tp2g-rewrite-3\t0\ndelete\t" + unrelated.toUri() + "\n");
    LatestRows.compact(spark(), table, new Configuration());
    assertEquals(expected(), contents(table));
  }

  @Test
  void dropsAStagedRewriteThatHasNoJournal() throws Exception {
    Path root = tmp.resolve("t");
    LatestRows.Table table = twoGenerations(root);
    Path work = root.resolve(TableRewrite.WORK_DIR);
    spark().createDataFrame(List.of(RowFactory.create("a", OLD, 1)), SCHEMA).coalesce(1).write()
        .parquet(work.resolve("new").toString());
    assertEquals(2, LatestRows.compact(spark(), table, new Configuration()));
    assertEquals(expected(), contents(table));
  }

  /** File 1: a, b, c at OLD; file 2: b, c at NEW; file 3: d at OLD. b and c at OLD are superseded. */
  private static LatestRows.Table twoGenerations(Path root) {
    write(root, List.of(RowFactory.create("a", OLD, 1), RowFactory.create("b", OLD, 2),
        RowFactory.create("c", OLD, 3)));
    write(root, List.of(RowFactory.create("b", NEW, 20), RowFactory.create("c", NEW, 30)));
    write(root, List.of(RowFactory.create("d", OLD, 4)));
    return new LatestRows.Table(root.toUri().toString(), SCHEMA, List.of("key"), "at", List.of());
  }

  private static TreeMap<String, Integer> expected() {
    TreeMap<String, Integer> m = new TreeMap<>();
    m.put("a", 1);
    m.put("b", 20);
    m.put("c", 30);
    m.put("d", 4);
    return m;
  }

  private static void write(Path root, List<Row> rows) {
    spark().createDataFrame(rows, SCHEMA).coalesce(1).write().mode(SaveMode.Append).parquet(root.toString());
  }

  /** key to value; a key seen twice fails, so a doubled row cannot hide. */
  private static TreeMap<String, Integer> contents(LatestRows.Table table) {
    TreeMap<String, Integer> m = new TreeMap<>();
    for (Row r : spark().read().schema(SCHEMA).parquet(table.uri()).collectAsList()) {
      Integer before = m.put(r.getString(0), r.getInt(2));
      assertEquals(null, before, "key " + r.getString(0) + " appears twice");
    }
    return m;
  }

  private static List<Path> dataFiles(Path dir) throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(f -> f.getFileName().toString().endsWith(".parquet")
          && !f.getFileName().toString().startsWith(".")).toList();
    }
  }

  /** The data file of the table holding this many rows (each test table has one of each size). */
  private static Path fileWith(Path root, long rows) throws Exception {
    return dataFiles(root).stream().filter(f -> rows(f) == rows).findFirst().orElseThrow();
  }

  private static Path journal(Path root) throws Exception {
    Path work = Files.createDirectories(root.resolve(TableRewrite.WORK_DIR));
    return work.resolve(TableRewrite.JOURNAL);
  }

  /** A file of the table named as a rewrite names its files. */
  private static void stageTagged(Path root, String tag, List<Row> rows) throws Exception {
    Path staging = root.resolveSibling("staging-" + tag);
    spark().createDataFrame(rows, SCHEMA).coalesce(1).write().parquet(staging.toString());
    Path file = dataFiles(staging).get(0);
    Files.copy(file, root.resolve(tag + "-" + file.getFileName()));
  }

  private static long rows(Path file) {
    return spark().read().parquet(file.toString()).count();
  }

  private static SparkSession spark() {
    return SparkTestSession.get();
  }
}
