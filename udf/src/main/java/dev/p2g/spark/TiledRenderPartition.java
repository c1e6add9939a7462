package dev.p2g.spark;

import dev.p2g.devices.TaskRenderers;
import dev.p2g.field.Degradation;
import dev.p2g.render.BandSampler;
import dev.p2g.render.CpuRenderer;
import dev.p2g.render.Renderer;
import dev.p2g.render.Scale;
import dev.p2g.render.StripRender;
import dev.p2g.render.TileRender;
import dev.p2g.render.TiledRender;
import dev.p2g.tables.FieldTable;
import dev.p2g.tables.ManifestRecord;
import dev.p2g.tables.TileReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.SerializableConfiguration;

/**
 * Stage 2 for images stored as tiles: one input row per image (its key, the fields/ files that
 * hold its tiles, and what the manifest needs), one manifest row out per level written. Each
 * level is rendered band by band, on the CPU (TiledRender) or on the task's GPU (StripRender),
 * and, as PNG, written while it is rendered, so memory is bounded by a row of tiles and a band,
 * not by the image. A JPEG is encoded
 * whole, so it is refused above LevelWriter.MAX_WHOLE_PIXELS.
 */
public final class TiledRenderPartition implements MapPartitionsFunction<Row, Row> {
  /** The rows this stage takes. */
  public static final StructType INPUT = new StructType()
      .add("key", DataTypes.StringType, false)
      .add("files", DataTypes.createArrayType(DataTypes.StringType), false)
      .add("width", DataTypes.IntegerType, false)
      .add("height", DataTypes.IntegerType, false)
      .add("reach", DataTypes.DoubleType, false)
      .add("max_tile_height", DataTypes.IntegerType, false)
      .add("source_uri", DataTypes.StringType, false)
      .add("source_sha256", DataTypes.StringType, false)
      .add("model_id", DataTypes.StringType, false)
      .add("done", DataTypes.createArrayType(DataTypes.StringType), true)
      .add("tiles", DataTypes.LongType, false)
      .add(FieldTable.DEGRADATION, DataTypes.StringType, true)
      .add(FieldTable.ATTRIBUTES, FieldTable.ATTRIBUTES_TYPE, true);

  private final RenderSettings settings;
  private final Broadcast<SerializableConfiguration> conf;
  private final StageAccumulators counters;

  public TiledRenderPartition(RenderSettings settings, Broadcast<SerializableConfiguration> conf,
      StageAccumulators counters) {
    this.settings = settings;
    this.conf = conf;
    this.counters = counters;
  }

  @Override
  public Iterator<Row> call(Iterator<Row> input) {
    Configuration hadoop = conf.value().value();
    Renderer renderer = TaskRenderers.open(settings.device());
    LevelWriter writer = new LevelWriter(settings, hadoop, renderer.device(), counters);
    counters.devices().add(renderer.device());
    return new OnExhausted<>(new LazyFlatMap<>(input, row -> {
      long started = System.nanoTime();
      List<Row> out = renderImage(renderer, hadoop, writer, TiledImage.fromRow(row));
      counters.busyNanos().add(System.nanoTime() - started);
      return out;
    }), writer::finish);
  }

  /** An input row (INPUT), read by name. */
  private record TiledImage(LevelWriter.Image image, List<String> files, int width, int height, double reach,
      int maxTileHeight, List<String> done, long tiles, Degradation degradation) {
    static TiledImage fromRow(Row r) {
      return new TiledImage(new LevelWriter.Image(r.getAs("key"), r.getAs("source_uri"), r.getAs("source_sha256"),
          r.getAs("model_id"), ManifestRecord.attributes(r)), r.getList(r.fieldIndex("files")), r.<Integer>getAs("width"),
          r.<Integer>getAs("height"), r.<Double>getAs("reach"), r.<Integer>getAs("max_tile_height"),
          r.isNullAt(r.fieldIndex("done")) ? List.of() : r.getList(r.fieldIndex("done")), r.<Long>getAs("tiles"),
          Degradation.parse(r.getAs(FieldTable.DEGRADATION)));
    }
  }

  private List<Row> renderImage(Renderer renderer, Configuration hadoop, LevelWriter writer, TiledImage t) {
    List<Row> out = new ArrayList<>();
    for (Scale scale : settings.scales()) {
      if (t.done().contains(scale.level())) {
        counters.skipped().add(1);
        continue;
      }
      Row written = writer.writeRows(t.image(), scale, scale.outputWidth(t.width()), scale.outputHeight(t.height()),
          sink -> render(renderer, hadoop, t, scale, sink));
      if (written != null) {
        out.add(written);
      }
    }
    return out;
  }

  private static void render(Renderer renderer, Configuration hadoop, TiledImage t, Scale scale,
      TiledRender.RowSink sink) throws IOException {
    // TaskRenderers gives the CPU renderer or a GPU one, which samples bands
    TileRender render = renderer instanceof CpuRenderer cpu
        ? new TiledRender(cpu, t.width(), t.height(), scale, t.degradation(), t.reach(), t.maxTileHeight(), sink)
        : new StripRender((BandSampler) renderer, t.width(), t.height(), scale, t.degradation(), t.reach(),
            RenderPartition.MAX_BATCH_OUTPUT_PIXELS, sink);
    int tiles = TileReader.read(t.files(), t.image().key(), hadoop, render::add);
    if (tiles != t.tiles()) {
      throw new IllegalStateException("found " + tiles + " of the " + t.tiles() + " tiles of '" + t.image().key()
          + "' in " + t.files());
    }
    render.finish();
  }
}
