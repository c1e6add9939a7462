package dev.p2g.job.run;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.input_file_name;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;

import dev.p2g.job.common.SystemicException;
import dev.p2g.job.tables.Fields;
import dev.p2g.job.tables.Manifest;
import dev.p2g.render.Scale;
import dev.p2g.spark.RenderSettings;
import dev.p2g.spark.StageAccumulators;
import dev.p2g.spark.TiledRenderPartition;
import dev.p2g.tables.ErrorRecord;
import dev.p2g.tables.FieldTable;
import dev.p2g.tables.ManifestTable;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongConsumer;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;

/**
 * Render's images stored as tiles: one row each (its files, size, reach, levels already done),
 * rendered band by band in chunks of images. Images missing a tile (one failed in encode) are not
 * rendered, since their outputs would have holes: each of their levels gets an errors/ row.
 */
final class TiledRender {
  /** Images stored as tiles (those missing a tile apart), and those missing one. */
  record Outcome(long images, long incomplete) {}

  private TiledRender() {}

  /**
   * doneLevels: the levels the manifest holds per field (Manifest.doneLevels), the query render
   * made for its whole images; null where there was no manifest. found hears how many images
   * there are to render, before the first chunk.
   */
  static Outcome run(StageContext run, ChunkRunner chunks, Dataset<Row> tiles, Dataset<Row> doneLevels,
      RenderSettings settings, long perChunk, StageAccumulators counters, LongConsumer found)
      throws SystemicException {
    String manifestUri = settings.layout().manifest();
    List<String> levels = settings.scales().stream().map(Scale::level).toList();
    Dataset<Row> counts = Fields.tileCounts(tiles);
    long incomplete = refuseIncomplete(run, counts, levels, counters);
    Dataset<Row> images = images(tiles, doneLevels)
        .join(counts.filter(col("stored").equalTo(col("expected"))).select("key", "source_sha256"),
            EncodePlan.using("key", "source_sha256"))
        .select(Arrays.stream(TiledRenderPartition.INPUT.fieldNames()).map(functions::col).toArray(Column[]::new))
        .persist();
    long count = images.count();
    found.accept(count);
    int chunkCount = count == 0 ? 0 : (int) Math.max(1, (count + perChunk - 1) / perChunk);
    for (int i = 0; i < chunkCount; i++) {
      chunks.run(String.format("p2g render: tiled images, part %d of %d at %s", i + 1, chunkCount, settings.scales()),
          images.filter(functions.pmod(functions.hash(col("key")), lit(chunkCount)).equalTo(i))
              .repartition((int) Math.max(1, Math.min(2L * run.slots(), (count + chunkCount - 1) / chunkCount))),
          new TiledRenderPartition(settings, run.conf(), counters), ManifestTable.SCHEMA, false,
          rows -> Manifest.append(rows, manifestUri));
    }
    images.unpersist();
    return new Outcome(count, incomplete);
  }

  /** One row per tiled image: its files, reach, tallest tile, and the levels of this run it has already. */
  private static Dataset<Row> images(Dataset<Row> tiles, Dataset<Row> doneLevels) {
    List<String> imageColumns = List.of("key", "width", "height", "source_uri", "source_sha256", "model_id");
    Dataset<Row> images = tiles.withColumn("file", input_file_name())
        .groupBy(imageColumns.stream().map(functions::col).toArray(Column[]::new))
        .agg(collect_set("file").as("files"), max("reach").as("reach"),
            max("tile_height").as("max_tile_height"), count(lit(1)).as("tiles"),
            functions.first(FieldTable.ATTRIBUTES).as(FieldTable.ATTRIBUTES), // a map cannot be a grouping key
            max(FieldTable.DEGRADATION).as(FieldTable.DEGRADATION)); // one model's: the same in every tile
    return doneLevels == null
        ? images.withColumn("done", lit(null).cast(DataTypes.createArrayType(DataTypes.StringType)))
        : images.join(doneLevels, EncodePlan.using("key", "source_sha256", "model_id"), "left");
  }

  /** An errors/ row per level of each image missing tiles; returns how many images. */
  private static long refuseIncomplete(StageContext run, Dataset<Row> counts, List<String> levels,
      StageAccumulators counters) throws SystemicException {
    Dataset<Row> incomplete = counts.filter(col("stored").notEqual(col("expected")))
        .withColumn("level", functions.explode(functions.array(levels.stream().map(functions::lit)
            .toArray(Column[]::new))))
        .select(col("key"), col("source_uri"), col("level"), lit("render.tiles").as("error_class"),
            functions.concat(col("stored").cast("string"), lit(" of the "), col("expected").cast("string"),
                lit(" tiles of this image are stored (a tile failed in encode); run encode again")).as("message"),
            lit(ErrorRecord.RENDER).as(ErrorRecord.STAGE))
        .persist();
    long rows = incomplete.count();
    if (rows > 0) {
      run.errors().append(incomplete);
      counters.failed().add(rows);
    }
    incomplete.unpersist();
    return rows / levels.size();
  }
}
