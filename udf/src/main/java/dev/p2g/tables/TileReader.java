package dev.p2g.tables;

import dev.p2g.field.FieldRecord;
import dev.p2g.render.TiledRender;
import java.io.IOException;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.filter2.compat.FilterCompat;
import org.apache.parquet.filter2.predicate.FilterApi;
import org.apache.parquet.filter2.predicate.FilterPredicate;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.PrimitiveType;

/**
 * Reads one image's tiles straight from its fields/ files inside a task, one tile in memory at a
 * time, in raster order of tile rows. Spark's reader would hand them to whichever task got each
 * file split; an image's tiles must reach one renderer, in order. A file holds an image's tiles
 * in raster order; an image encoded in parts (LargeImageParts) has them in several files, a part
 * each, in no order between files: those are read a row of tiles at a time (Parquet's page
 * index skips the other tiles' pages), the rows found first by a pass over the tile positions.
 */
public final class TileReader {
  /** What a tile visitor gets: the tile. */
  public interface Visitor {
    void tile(TiledRender.Tile tile) throws IOException;
  }

  private TileReader() {}

  /** Visits every tile of key found in files, in raster order of tile rows; returns how many. */
  public static int read(List<String> files, String key, Configuration conf, Visitor visitor) throws IOException {
    FilterPredicate onlyKey = FilterApi.eq(FilterApi.binaryColumn("key"), Binary.fromString(key));
    if (files.size() == 1) {
      return read(files.get(0), onlyKey, key, null, conf, visitor);
    }
    java.util.TreeSet<Integer> rows = new java.util.TreeSet<>();
    Configuration positions = new Configuration(conf); // the tile rows alone: no parameters read
    positions.set(org.apache.parquet.hadoop.api.ReadSupport.PARQUET_READ_SCHEMA,
        "message positions { required binary key (STRING); required int32 tile_y; }");
    for (String file : files) {
      try (ParquetReader<Group> reader = ParquetReader.builder(new GroupReadSupport(), hadoopPath(file))
          .withConf(positions).withFilter(FilterCompat.get(onlyKey)).build()) {
        for (Group g = reader.read(); g != null; g = reader.read()) {
          if (key.equals(g.getString("key", 0))) {
            rows.add(g.getInteger("tile_y", 0));
          }
        }
      }
    }
    int tiles = 0;
    for (int y : rows) {
      FilterPredicate row = FilterApi.and(onlyKey, FilterApi.eq(FilterApi.intColumn("tile_y"), y));
      for (String file : files) {
        tiles += read(file, row, key, y, conf, visitor);
      }
    }
    return tiles;
  }

  /**
   * The tile of key whose rectangle starts at (tileX, tileY), from the first of files holding it
   * (Parquet's statistics and page index skip the rest), or null where none does.
   */
  public static TiledRender.Tile readAt(List<String> files, String key, int tileX, int tileY, Configuration conf)
      throws IOException {
    FilterPredicate at = FilterApi.and(FilterApi.eq(FilterApi.binaryColumn("key"), Binary.fromString(key)),
        FilterApi.and(FilterApi.eq(FilterApi.intColumn("tile_x"), tileX),
            FilterApi.eq(FilterApi.intColumn("tile_y"), tileY)));
    TiledRender.Tile[] found = new TiledRender.Tile[1];
    for (String file : files) {
      read(file, at, key, tileY, conf, t -> {
        if (t.x() == tileX) {
          found[0] = t;
        }
      });
      if (found[0] != null) {
        return found[0];
      }
    }
    return null;
  }

  /** The tiles of key in one file that the filter passes (and of tile row y, when given), in file order. */
  private static int read(String file, FilterPredicate filter, String key, Integer y, Configuration conf,
      Visitor visitor) throws IOException {
    int tiles = 0;
    try (ParquetReader<Group> reader = ParquetReader.builder(new GroupReadSupport(), hadoopPath(file))
        .withConf(conf).withFilter(FilterCompat.get(filter)).build()) {
      for (Group g = reader.read(); g != null; g = reader.read()) {
        if (!key.equals(g.getString("key", 0)) || (y != null && g.getInteger("tile_y", 0) != y)) {
          continue; // record filtering is on by default; this keeps it right should it be off
        }
        FieldRecord tile = FieldTable.fromColumns(columns(g));
        visitor.tile(new TiledRender.Tile(tile.decodeField(), tile.tileX(), tile.tileY()));
        tiles++;
      }
    }
    return tiles;
  }

  /** A Parquet record's columns by name, typed as a Spark Row types them (absent or unset: null). */
  private static FieldTable.Columns columns(Group g) {
    return name -> {
      if (!g.getType().containsField(name) || g.getFieldRepetitionCount(name) == 0) {
        return null;
      }
      PrimitiveType type = g.getType().getType(name).asPrimitiveType();
      return switch (type.getPrimitiveTypeName()) {
        case INT32 -> g.getInteger(name, 0);
        case INT64 -> g.getLong(name, 0);
        case DOUBLE -> g.getDouble(name, 0);
        case BINARY -> type.getLogicalTypeAnnotation() instanceof LogicalTypeAnnotation.StringLogicalTypeAnnotation
            ? g.getString(name, 0) : g.getBinary(name, 0).getBytes();
        default -> throw new IllegalArgumentException("fields/ column " + name + " has an unexpected type " + type);
      };
    };
  }

  /** Spark's input_file_name() is an escaped URI (%20 for a space); Hadoop takes the plain form. */
  private static Path hadoopPath(String file) {
    try {
      return new Path(java.net.URI.create(file));
    } catch (IllegalArgumentException e) {
      return new Path(file);
    }
  }

}
