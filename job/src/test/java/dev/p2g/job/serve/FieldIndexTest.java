package dev.p2g.job.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.p2g.job.SparkTestSession;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
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

/**
 * The index of fields/ against tables written by Spark as the job appends them: the latest
 * encoding of each key, a tiled image's files, leftovers and hidden files ignored, paging, and
 * refreshes that read only new files and forget removed ones.
 */
class FieldIndexTest {
  private static final StructType SCHEMA = new StructType()
      .add("key", DataTypes.StringType, false)
      .add("encoded_at", DataTypes.TimestampType, false)
      .add("width", DataTypes.IntegerType, false)
      .add("height", DataTypes.IntegerType, false)
      .add("tile_x", DataTypes.IntegerType, false)
      .add("tile_y", DataTypes.IntegerType, false)
      .add("tile_width", DataTypes.IntegerType, false)
      .add("tile_height", DataTypes.IntegerType, false)
      .add("reach", DataTypes.DoubleType, false);

  @TempDir
  Path tmp;

  @Test
  void followsTheTableAsRunsAppendAndFilesGo() throws IOException {
    Configuration conf = new Configuration();
    String fields = tmp.resolve("fields").toUri().toString();
    FieldIndex index = FieldIndex.open(fields, conf);
    assertEquals(0, index.size(), "no table yet: no keys");

    Timestamp first = Timestamp.valueOf("2026-12-01 10:00:00");
    Timestamp second = Timestamp.valueOf("2026-12-02 10:00:00");
    append(fields, 2, row("a", first, 100, 80, 0), row("b", first, 100, 80, 0));
    List<Path> firstFiles = dataFiles();
    append(fields, 1, row("b", second, 120, 90, 0), row("c", second, 50, 40, 0));
    // a tiled image encoded in parts: its tiles in two files of one run
    append(fields, 1, row("e/tiled", second, 5000, 300, 0));
    append(fields, 1, row("e/tiled", second, 5000, 300, 4096));
    // (not under _temporary/0: Spark's next append would commit what it finds there)
    leftover(fields, "_staging/part-9.parquet", "ghost");
    leftover(fields, ".hidden.parquet", "ghost2");

    assertTrue(index.refresh(), "new files");
    assertEquals(List.of("a", "b", "c", "e/tiled"), index.keys(null, 10));
    FieldIndex.Entry b = index.find("b");
    assertEquals(120, b.width(), "the latest encoding");
    assertEquals(second, b.encodedAt());
    assertEquals(1, b.files().size());
    assertFalse(firstFiles.stream().anyMatch(f -> b.files().get(0).endsWith(f.getFileName().toString())));
    assertEquals(2, index.find("e/tiled").files().size(), "a tiled image's rows in two files");
    assertEquals(List.of(new FieldIndex.Tile(0, 0, 4096, 300, 1.5), new FieldIndex.Tile(4096, 0, 904, 300, 1.5)),
        index.find("e/tiled").tiles(), "its tiles in raster order");
    assertEquals(List.of(new FieldIndex.Tile(0, 0, 120, 90, 1.5)), b.tiles(), "the latest encoding's tile only");
    assertNull(index.find("ghost"), "files under a folder named _... are not the table");
    assertNull(index.find("ghost2"));

    Path broken = tmp.resolve("fields").resolve("part-99999-broken.parquet");
    Files.writeString(broken, "not parquet");
    assertFalse(index.refresh(), "an unreadable file adds nothing");
    assertEquals(4, index.size(), "and loses nothing else");
    assertEquals(1, index.unreadable().size(), index.unreadable().toString());
    Files.delete(broken);
    assertFalse(index.refresh());
    assertTrue(index.unreadable().isEmpty());

    assertEquals(List.of("a", "b"), index.keys(null, 2));
    assertEquals(List.of("c", "e/tiled"), index.keys("b", 5));
    assertFalse(index.refresh(), "nothing changed");

    List<Path> before = dataFiles();
    append(fields, 1, row("d", second, 10, 10, 0));
    assertTrue(index.refresh());
    assertEquals(5, index.size(), index.keys(null, 10).toString());
    for (Path f : dataFiles()) {
      if (!before.contains(f) || firstFiles.contains(f)) {
        continue;
      }
      Files.delete(f); // the second and third runs' files gone (as compaction rewrites files)
    }
    assertTrue(index.refresh());
    assertEquals(List.of("a", "b", "d"), index.keys(null, 10));
    assertEquals(100, index.find("b").width(), "back to the first run's encoding of b");
  }

  private static Row row(String key, Timestamp at, int w, int h, int tileX) {
    // a tile 4096 wide from tileX (the whole image when it is narrower), reaching 1.5 past itself
    return RowFactory.create(key, at, w, h, tileX, 0, Math.min(4096, w - tileX), h, 1.5);
  }

  private static void append(String uri, int files, Row... rows) {
    SparkSession spark = SparkTestSession.get();
    spark.createDataFrame(List.of(rows), SCHEMA).repartition(files).write().mode(SaveMode.Append).parquet(uri);
  }

  /** A valid Parquet file of one row under fields/ at a path the table does not include. */
  private void leftover(String fields, String relative, String key) throws IOException {
    Path scratch = tmp.resolve("scratch-" + key);
    append(scratch.toUri().toString(), 1, row(key, Timestamp.valueOf("2026-12-03 10:00:00"), 1, 1, 0));
    Path file;
    try (Stream<Path> s = Files.list(scratch)) {
      file = s.filter(p -> p.toString().endsWith(".parquet")).findFirst().orElseThrow();
    }
    Path target = tmp.resolve("fields").resolve(relative);
    Files.createDirectories(target.getParent());
    Files.copy(file, target);
  }

  private List<Path> dataFiles() throws IOException {
    List<Path> files = new ArrayList<>();
    try (Stream<Path> s = Files.list(tmp.resolve("fields"))) {
      s.filter(p -> p.getFileName().toString().startsWith("part-")).sorted().forEach(files::add);
    }
    return files;
  }
}
