package dev.p2g.tables;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.p2g.field.FieldCodec;
import dev.p2g.field.FieldCodecs;
import dev.p2g.field.FieldRecord;
import dev.p2g.field.GaussianField;
import dev.p2g.io.Device;
import dev.p2g.render.RandomFields;
import dev.p2g.render.TiledRender;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TileReader reads a tiled image's rows as FieldTable writes them, in raster order of tile rows,
 * and refuses a field version it does not know the way FieldTable.fromRow does.
 */
class TileReaderTest {
  @TempDir
  Path tmp;

  @Test
  void readsTilesInRowOrderAndRefusesAnotherVersion() throws Exception {
    SparkSession spark = SparkSession.builder().master("local[1]").appName("p2g-udf-tests")
        .config("spark.ui.enabled", "false").getOrCreate();
    FieldCodec codec = FieldCodecs.byName("f32");
    List<Row> rows = new ArrayList<>();
    List<GaussianField> fields = new ArrayList<>();
    for (int[] at : new int[][] {{8, 8}, {0, 8}, {8, 0}, {0, 0}}) { // stored out of order
      GaussianField f = RandomFields.random(8, 8, 1, at[0] * 31 + at[1]);
      fields.add(f);
      rows.add(FieldTable.toRow(new FieldRow(new FieldRecord("img", "file:/img.png", "sha", "model", 16, 16, at[0],
          at[1], 8, 8, 1, codec.name(), "none", null, 1.0, codec.encode(f)), null, new Timestamp(0), Device.CPU, null)));
    }
    String file = write(spark, rows, "v1");
    List<TiledRender.Tile> seen = new ArrayList<>();
    assertEquals(4, TileReader.read(List.of(file), "img", spark.sparkContext().hadoopConfiguration(), seen::add));
    // in one file tiles come in file order; across files a row of tiles at a time: both checked by position
    List<String> order = seen.stream().map(t -> t.x() + "," + t.y()).toList();
    assertEquals(List.of("8,8", "0,8", "8,0", "0,0"), order);
    for (int i = 0; i < 4; i++) {
      assertArrayEquals(codec.encode(fields.get(i)), codec.encode(seen.get(i).field()), "tile " + order.get(i));
    }
    String a = write(spark, List.of(rows.get(0), rows.get(1)), "a");
    String b = write(spark, List.of(rows.get(2), rows.get(3)), "b");
    List<String> split = new ArrayList<>();
    TileReader.read(List.of(a, b), "img", spark.sparkContext().hadoopConfiguration(), t -> split.add(t.x() + "," + t.y()));
    assertEquals(List.of("8,0", "0,0", "8,8", "0,8"), split, "rows of tiles in order, across files");

    Object[] values = new Object[rows.get(0).size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = rows.get(0).get(i);
    }
    values[FieldTable.SCHEMA.fieldIndex("field_version")] = 99;
    String later = write(spark, List.of(RowFactory.create(values)), "v99");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TileReader.read(List.of(later), "img", spark.sparkContext().hadoopConfiguration(), t -> { }));
    assertTrue(e.getMessage().contains("field version 99 of 'img' is not readable"), e.getMessage());
  }

  /** The rows as one Parquet file; its URI. */
  private String write(SparkSession spark, List<Row> rows, String name) throws Exception {
    Path dir = tmp.resolve(name);
    spark.createDataFrame(rows, FieldTable.SCHEMA).coalesce(1).write().mode(SaveMode.Overwrite).parquet(dir.toString());
    try (var files = Files.list(dir)) {
      return files.filter(f -> f.getFileName().toString().endsWith(".parquet")).findFirst().orElseThrow().toUri()
          .toString();
    }
  }
}
