package dev.p2g.sources;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.api.ReadSupport;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.util.SerializableConfiguration;

/**
 * Lists one Parquet file of an input table (a listed .parquet file, ListFiles.SCHEMA) into
 * PackedSources.MEMBER rows, one per row of the file, without reading an image byte: the key is
 * the --key-column value, else the image struct's "path", else the file's key without
 * ".parquet" and the row's index in the file ("train-00000/17"), which stays the same from run
 * to run while the file does. Only the key's column is read, and nothing at all for index keys
 * (the footer's row count). A file without the image column gives one error row.
 */
public final class ListTableRows implements FlatMapFunction<Row, Row> {
  private final Broadcast<SerializableConfiguration> conf;
  private final TableImages table;

  public ListTableRows(Broadcast<SerializableConfiguration> conf, TableImages table) {
    this.conf = conf;
    this.table = table;
  }

  @Override
  public Iterator<Row> call(Row file) {
    List<Row> out = new ArrayList<>();
    String folder = PackedSources.folderKey(file);
    Path path = new Path(file.<String>getAs("uri"));
    Configuration hadoop = conf.value().value();
    long row = 0;
    try {
      MessageType schema;
      long rows;
      try (ParquetFileReader footer = ParquetFileReader.open(HadoopInputFile.fromPath(path, hadoop))) {
        schema = footer.getFooter().getFileMetaData().getSchema();
        rows = footer.getRecordCount();
      }
      String problem = table.problem(schema);
      if (problem != null) {
        out.add(PackedSources.error(file, file.getAs("key"), null, "list.bad-table", "the table file " + problem));
        return out.iterator();
      }
      if (!table.listingReads(schema)) {
        for (; row < rows; row++) {
          out.add(PackedSources.image(file, folder + "/" + row, Long.toString(row), row, 0, null));
        }
        return out.iterator();
      }
      Configuration projected = new Configuration(hadoop);
      projected.set(ReadSupport.PARQUET_READ_SCHEMA, table.listingProjection(schema).toString());
      try (ParquetReader<Group> reader = ParquetReader.builder(new GroupReadSupport(), path).withConf(projected)
          .build()) {
        for (Group g = reader.read(); g != null; g = reader.read(), row++) {
          String key = key(g);
          Map<String, String> kept = kept(g);
          if (key != null && !key.isBlank()) {
            out.add(PackedSources.image(file, key, Long.toString(row), row, 0, kept));
          } else if (table.keyColumn() == null) { // no path: the row's index names it
            out.add(PackedSources.image(file, folder + "/" + row, Long.toString(row), row, 0, kept));
          } else {
            out.add(PackedSources.error(file, folder + "/" + row, Long.toString(row), "list.null-key",
                "row " + row + " has no value in the key column '" + table.keyColumn() + "'"));
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      out.add(PackedSources.error(file, file.getAs("key"), null, "list.bad-table",
          "cannot read the table file after " + row + " rows: " + e.getMessage()));
    }
    return out.iterator();
  }

  /** The values of the columns to keep, as text (null values left out); null when none are kept. */
  private Map<String, String> kept(Group g) {
    if (table.keepColumns().isEmpty()) {
      return null;
    }
    Map<String, String> values = new LinkedHashMap<>();
    for (String column : table.keepColumns()) {
      if (g.getFieldRepetitionCount(column) > 0) {
        values.put(column, value(g, column));
      }
    }
    return values;
  }

  /** A plain value as text: integers and floats as Java prints them, binary as UTF-8. */
  private static String value(Group g, String column) {
    return switch (g.getType().getType(column).asPrimitiveType().getPrimitiveTypeName()) {
      case INT32 -> Integer.toString(g.getInteger(column, 0));
      case INT64 -> Long.toString(g.getLong(column, 0));
      case BINARY -> g.getString(column, 0);
      default -> g.getValueToString(g.getType().getFieldIndex(column), 0);
    };
  }

  /** The row's key, from the projection: the key column's value or the image's path; null when absent. */
  private String key(Group g) {
    if (table.keyColumn() != null) {
      if (g.getFieldRepetitionCount(table.keyColumn()) == 0) {
        return null;
      }
      return value(g, table.keyColumn());
    }
    if (g.getFieldRepetitionCount(table.imageColumn()) == 0) {
      return null;
    }
    Group image = g.getGroup(table.imageColumn(), 0);
    return image.getFieldRepetitionCount(TableImages.PATH) == 0 ? null : image.getString(TableImages.PATH, 0);
  }
}
