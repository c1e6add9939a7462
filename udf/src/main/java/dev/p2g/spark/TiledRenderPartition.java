package dev.p2g.spark;

import dev.p2g.render.CpuRenderer;
import dev.p2g.render.ImageEncoding;
import dev.p2g.render.OutputFormat;
import dev.p2g.render.PngRowWriter;
import dev.p2g.render.Scale;
import dev.p2g.render.TiledRender;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Stage 2 for images stored as tiles: one input row per image (its key, the fields/ files that
 * hold its tiles, and what the manifest needs), one manifest row out per level written. Each
 * level is rendered band by band (TiledRender) on the CPU and, as PNG, written while it is
 * rendered, so memory is bounded by a tile and a band, not by the image. A JPEG is encoded
 * whole, so it is refused above MAX_JPEG_PIXELS.
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
      .add("tiles", DataTypes.LongType, false);

  /** 32 M pixels: 96 MB as 8-bit RGB, held whole for the JPEG encoder. */
  public static final long MAX_JPEG_PIXELS = 32L << 20;
  private static final double NANOS_PER_MS = 1e6;

  private final RenderSettings settings;
  private final Broadcast<SerializableHadoopConf> conf;
  private final StageAccumulators counters;

  public TiledRenderPartition(RenderSettings settings, Broadcast<SerializableHadoopConf> conf,
      StageAccumulators counters) {
    this.settings = settings;
    this.conf = conf;
    this.counters = counters;
  }

  @Override
  public Iterator<Row> call(Iterator<Row> input) {
    Configuration hadoop = conf.value().get();
    CpuRenderer renderer = new CpuRenderer();
    return new LazyFlatMap<>(input, row -> {
      long started = System.nanoTime();
      List<Row> out = renderImage(renderer, hadoop, row);
      counters.busyNanos().add(System.nanoTime() - started);
      return out;
    });
  }

  private List<Row> renderImage(CpuRenderer renderer, Configuration hadoop, Row row) {
    String key = row.getString(0);
    List<String> files = row.getList(1);
    List<String> done = row.isNullAt(9) ? List.of() : row.getList(9);
    List<Row> out = new ArrayList<>();
    for (Scale scale : settings.scales()) {
      if (done.contains(scale.level())) {
        counters.skipped().add(1);
        continue;
      }
      try {
        long start = System.nanoTime();
        String path = settings.layout().pyramidFile(scale.level(), key, settings.format().extension());
        int outW = scale.outputWidth(row.getInt(2));
        int outH = scale.outputHeight(row.getInt(3));
        long bytes = settings.format() == OutputFormat.PNG
            ? writePng(renderer, hadoop, row, files, scale, path)
            : writeWhole(renderer, hadoop, row, files, scale, path);
        out.add(ManifestTable.row(key, scale.canonical(), scale.x(), scale.y(), path, outW, outH,
            settings.format().extension(), bytes, (System.nanoTime() - start) / NANOS_PER_MS, renderer.device(),
            row.getString(7), row.getString(8), settings.runStarted(), scale.level()));
        counters.written().add(1);
      } catch (IOException e) {
        counters.fail(new ErrorRecord(key, row.getString(6), ErrorRecord.RENDER, scale.level(),
            "render.write", "cannot write the rendered image: " + e));
      } catch (RuntimeException e) {
        counters.fail(new ErrorRecord(key, row.getString(6), ErrorRecord.RENDER, scale.level(),
            e instanceof TooLarge ? "render.too-large" : "render.tiles", String.valueOf(e.getMessage())));
      }
    }
    return out;
  }

  private long writePng(CpuRenderer renderer, Configuration hadoop, Row row, List<String> files, Scale scale,
      String path) throws IOException {
    Path p = new Path(path);
    FileSystem fs = p.getFileSystem(hadoop);
    try (OutputStream stream = fs.create(p, true);
        PngRowWriter png = new PngRowWriter(stream, scale.outputWidth(row.getInt(2)),
            scale.outputHeight(row.getInt(3)))) {
      render(renderer, hadoop, row, files, scale, png);
    }
    return fs.getFileStatus(p).getLen();
  }

  private long writeWhole(CpuRenderer renderer, Configuration hadoop, Row row, List<String> files, Scale scale,
      String path) throws IOException {
    int outW = scale.outputWidth(row.getInt(2));
    int outH = scale.outputHeight(row.getInt(3));
    if ((long) outW * outH > MAX_JPEG_PIXELS) {
      throw new TooLarge(settings.format().extension() + " output " + outW + "x" + outH + " is over "
          + MAX_JPEG_PIXELS + " pixels, the most encoded whole; use --format png, written as it renders");
    }
    BufferedImage image = new BufferedImage(outW, outH, BufferedImage.TYPE_3BYTE_BGR);
    byte[] bgr = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
    int[] next = {0};
    render(renderer, hadoop, row, files, scale, rgb -> {
      int base = next[0]++ * 3 * outW;
      for (int i = 0; i < rgb.length; i += 3) {
        bgr[base + i] = rgb[i + 2];
        bgr[base + i + 1] = rgb[i + 1];
        bgr[base + i + 2] = rgb[i];
      }
    });
    byte[] bytes = ImageEncoding.encode(image, settings.format());
    dev.p2g.io.HadoopFiles.write(path, bytes, hadoop);
    return bytes.length;
  }

  private static void render(CpuRenderer renderer, Configuration hadoop, Row row, List<String> files, Scale scale,
      TiledRender.RowSink sink) throws IOException {
    TiledRender render = new TiledRender(renderer, row.getInt(2), row.getInt(3), scale, row.getDouble(4),
        row.getInt(5), sink);
    int tiles = TileReader.read(files, row.getString(0), hadoop, render::add);
    if (tiles != row.getLong(10)) {
      throw new IllegalStateException("found " + tiles + " of the " + row.getLong(10) + " tiles of '"
          + row.getString(0) + "' in " + files);
    }
    render.finish();
  }

  /** An output this stage will not make, by a documented limit. */
  static final class TooLarge extends RuntimeException {
    TooLarge(String message) {
      super(message);
    }
  }
}
