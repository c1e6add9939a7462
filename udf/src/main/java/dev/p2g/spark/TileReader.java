package dev.p2g.spark;

import dev.p2g.field.FieldCodecs;
import dev.p2g.render.TiledRender;
import java.io.IOException;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.filter2.compat.FilterCompat;
import org.apache.parquet.filter2.predicate.FilterApi;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.io.api.Binary;

/**
 * Reads one image's tiles straight from its fields/ files inside a task, one tile in memory at a
 * time, in the order encode wrote them (raster order). Spark's reader would hand them to
 * whichever task got each file split; an image's tiles must reach one renderer, in order.
 */
final class TileReader {
  /** What a tile visitor gets: the tile. */
  interface Visitor {
    void tile(TiledRender.Tile tile) throws IOException;
  }

  private TileReader() {}

  /** Visits every tile of key found in files; returns how many. */
  static int read(List<String> files, String key, Configuration conf, Visitor visitor) throws IOException {
    int tiles = 0;
    FilterCompat.Filter onlyKey = FilterCompat.get(FilterApi.eq(FilterApi.binaryColumn("key"),
        Binary.fromString(key)));
    for (String file : files) {
      try (ParquetReader<Group> reader = ParquetReader.builder(new GroupReadSupport(), hadoopPath(file))
          .withConf(conf).withFilter(onlyKey).build()) {
        for (Group g = reader.read(); g != null; g = reader.read()) {
          if (!key.equals(g.getString("key", 0))) {
            continue; // record filtering is on by default; this keeps it right should it be off
          }
          int tw = g.getInteger("tile_width", 0);
          int th = g.getInteger("tile_height", 0);
          byte[] params = g.getBinary("params", 0).getBytes();
          visitor.tile(new TiledRender.Tile(FieldCodecs.byName(g.getString("codec", 0))
              .decode(params, tw, th, g.getInteger("k", 0)), g.getInteger("tile_x", 0), g.getInteger("tile_y", 0)));
          tiles++;
        }
      }
    }
    return tiles;
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
