package dev.p2g.tables;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.p2g.field.FieldRecord;
import dev.p2g.io.Device;
import dev.p2g.io.SourceStat;
import java.sql.Timestamp;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** A whole fields/ row goes to a Spark row and comes back by name, every column; a row of another version does not. */
class FieldTableTest {
  private static final FieldRecord FIELD = new FieldRecord("a/b.png", "s3a://bucket/a/b.png", "sha", "model", 20, 10,
      0, 0, 20, 10, 2, "q8", "over-white", "bicubic:2-4", 1.5, new byte[] {1, 2, 3});

  @Test
  void aWholeRowRoundTrips() {
    FieldRow row = new FieldRow(FIELD, new SourceStat(123, 456, "etag"), new Timestamp(789), Device.cuda(0),
        Map.of("caption", "a cat"));
    FieldRow back = FieldTable.rowOf(withSchema(FieldTable.toRow(row), FieldTable.SCHEMA));
    assertEquals(FIELD.key(), back.field().key());
    assertEquals(FIELD.alpha(), back.field().alpha());
    assertEquals("bicubic:2-4", back.field().degradation());
    assertEquals(FIELD.reach(), back.field().reach());
    assertArrayEquals(FIELD.params(), back.field().params());
    assertEquals(row.source(), back.source());
    assertEquals(row.encodedAt(), back.encodedAt());
    assertEquals(row.device(), back.device());
    assertEquals(row.attributes(), back.attributes());
  }

  @Test
  void columnsATableLacksAreNull() {
    StructType older = new StructType(java.util.Arrays.stream(FieldTable.SCHEMA.fields())
        .filter(f -> !f.nullable() || f.name().equals("alpha")).toArray(StructField[]::new));
    Row full = withSchema(FieldTable.toRow(new FieldRow(FIELD, null, new Timestamp(1), Device.CPU, null)),
        FieldTable.SCHEMA);
    Object[] values = java.util.Arrays.stream(older.fieldNames()).map(n -> full.get(full.fieldIndex(n))).toArray();
    FieldRow back = FieldTable.rowOf(new GenericRowWithSchema(values, older));
    assertEquals(FIELD.key(), back.field().key());
    assertNull(back.field().degradation(), "a table written before the degradation column");
    assertNull(back.source());
    assertNull(back.attributes());
  }

  @Test
  void anotherVersionIsRefused() {
    Row row = withSchema(FieldTable.toRow(new FieldRow(FIELD, null, new Timestamp(1), Device.CPU, null)), FieldTable.SCHEMA);
    Object[] values = new Object[row.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = row.get(i);
    }
    values[FieldTable.SCHEMA.fieldIndex("field_version")] = 2;
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> FieldTable.fromRow(new GenericRowWithSchema(values, FieldTable.SCHEMA)));
    assertTrue(e.getMessage().contains("field version 2 of 'a/b.png' is not readable"), e.getMessage());
  }

  private static Row withSchema(Row row, StructType schema) {
    Object[] values = new Object[row.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = row.get(i);
    }
    return new GenericRowWithSchema(values, schema);
  }
}
