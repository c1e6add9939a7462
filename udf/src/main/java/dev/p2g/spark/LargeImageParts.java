package dev.p2g.spark;

import dev.p2g.encode.FieldEncoder;
import dev.p2g.encode.ImageDecoder;
import dev.p2g.io.HadoopFiles;
import dev.p2g.tables.FieldTable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.SerializableConfiguration;

/**
 * Makes a large image's tiles the unit of parallel work: an image file of PROBE_BYTES or more has
 * its header read (one ranged read of HEADER_BYTES), and one of more than TILES_PER_PART tiles
 * becomes parts of about TILES_PER_PART tiles each, rows (image, part, parts) that encode tasks
 * take one by one (EncodePartition): every task slot works on a few large photos instead of one
 * slot on each. Each part's task reads and decodes the image and encodes its share of the tiles;
 * a task still holds one decoded image and one tile's field. Smaller files, images in containers
 * (a container is one task's, read forward) and headers that cannot be read stay whole rows.
 * Listed images (EncodePartition.INPUT) in, EncodePartition.WORK out.
 */
public final class LargeImageParts implements FlatMapFunction<Row, Row> {
  /**
   * Files below this are not looked at: a photo under 128 KB is about a megapixel or less, four
   * tiles at most, one part anyway; above it the header read is small beside the file's own.
   */
  public static final long PROBE_BYTES = 128L << 10;
  /** What the header read fetches: JPEG's EXIF and ICC segments can put the size 100 KB in. */
  static final int HEADER_BYTES = 256 << 10;
  /**
   * Tiles per part: four 512 x 512 tiles, about 1 LR megapixel, some 20 s of a CPU core with the
   * default model; a part re-reads and re-decodes its image, under 2 % of that (docs/benchmarks.md).
   */
  public static final int TILES_PER_PART = 4;

  private final Broadcast<SerializableConfiguration> conf;
  private final int tile;
  private final StageAccumulators counters;

  public LargeImageParts(Broadcast<SerializableConfiguration> conf, int tile, StageAccumulators counters) {
    this.conf = conf;
    this.tile = tile;
    this.counters = counters;
  }

  @Override
  public Iterator<Row> call(Row image) {
    int[] size = image.isNullAt(image.fieldIndex("container"))
        && image.<Long>getAs(FieldTable.SOURCE_SIZE) >= PROBE_BYTES ? size(image.getAs("uri")) : null;
    int parts = size == null ? 1 : parts(FieldEncoder.tiles(size[0], size[1], tile));
    if (parts == 1) {
      return List.of(work(image, null, null)).iterator();
    }
    counters.largeImages().add(1);
    counters.largePixels().add((long) size[0] * size[1]);
    List<Row> out = new ArrayList<>(parts);
    for (int p = 0; p < parts; p++) {
      out.add(work(image, p, parts));
    }
    return out.iterator();
  }

  /** Parts for an image of this many tiles. */
  public static int parts(int tiles) {
    return (tiles + TILES_PER_PART - 1) / TILES_PER_PART;
  }

  /** The upright size the header gives, or null: a file that cannot be read now is encode's to report. */
  private int[] size(String uri) {
    try {
      return ImageDecoder.uprightSize(HadoopFiles.readPrefix(uri, conf.value().value(), HEADER_BYTES));
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** A listed image as a WORK row: all of it (part null), or part part of parts. */
  public static Row work(Row image, Integer part, Integer parts) {
    StructType work = EncodePartition.WORK;
    Object[] values = new Object[work.size()];
    for (int i = 0; i < EncodePartition.INPUT.size(); i++) {
      values[i] = image.get(image.fieldIndex(EncodePartition.INPUT.fields()[i].name()));
    }
    values[work.fieldIndex(EncodePartition.PART)] = part;
    values[work.fieldIndex(EncodePartition.PARTS)] = parts;
    return new GenericRowWithSchema(values, work);
  }

  /** The columns WORK adds to INPUT. */
  static StructType withParts(StructType input) {
    return input.add(EncodePartition.PART, DataTypes.IntegerType, true)
        .add(EncodePartition.PARTS, DataTypes.IntegerType, true);
  }
}
