package dev.p2g.job.report;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.first;

import dev.p2g.encode.AlphaPolicy;
import dev.p2g.encode.ImageDecoder;
import dev.p2g.field.FloatImage;
import dev.p2g.io.HadoopFiles;
import dev.p2g.io.OutputLayout;
import dev.p2g.job.common.SparkOrder;
import dev.p2g.job.tables.DriverTable;
import dev.p2g.pyramid.PyramidImages;
import dev.p2g.render.ImageEncoding;
import dev.p2g.render.Resample;
import dev.p2g.render.ResampleFilter;
import dev.p2g.tables.FieldTable;
import dev.p2g.tables.ManifestRecord;
import dev.p2g.tables.ManifestTable;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * The report's contact sheet: for a few images, the same window of each pyramid level as p2g
 * rendered it and as Lanczos3 and bicubic resizes of the source to the same size give it (the
 * antialiased resizes of image libraries: Resample). The references start from the source as the
 * encoder saw it: decoded upright (EXIF orientation) and alpha-composited the same way. Windows
 * are shown at their own pixels (no thumbnails), because the difference is in the detail.
 */
final class ContactSheet {
  /** The window's side, in output pixels. */
  static final int WINDOW = 160;
  /** Sources decoded on the driver for the reference columns stay small. */
  static final long MAX_SOURCE_PIXELS = 16_000_000L;
  private static final long MAX_FILE_BYTES = 1L << 28;
  /** Complete images looked up per sample: some may be too large to show. */
  private static final int CANDIDATES_PER_SAMPLE = 4;
  /** What the sheet reads of manifest/ and fields/ on the driver (DriverTable): no attributes. */
  private static final StructType MANIFEST_COLUMNS = new StructType(java.util.Arrays.stream(ManifestTable.SCHEMA.fields())
      .filter(c -> !c.name().equals(FieldTable.ATTRIBUTES)).toArray(org.apache.spark.sql.types.StructField[]::new));
  private static final StructType FIELD_COLUMNS = DriverTable.columns(FieldTable.SCHEMA, "key", "source_uri", "width",
      "height", "alpha");

  /** One level of a sample: the window's place and its three renderings as PNG data URIs. */
  record Level(String level, int width, int height, int x, int y, int w, int h, String p2g, String lanczos3,
      String bicubic, String note) {}

  record Sample(String key, String sourceUri, List<Level> levels) {}

  private ContactSheet() {}

  /** Up to n images with every level of this run, smallest keys first, sources under 16 MP. */
  static List<Sample> samples(SparkSession spark, RunFacts f, Configuration hadoop, int n) throws IOException {
    String manifestUri = new OutputLayout(f.output).manifest();
    if (!RunReport.exists(manifestUri, hadoop) || !RunReport.exists(f.fields, hadoop)) {
      return List.of(); // nothing rendered, nothing to show
    }
    long maxRows = DriverTable.maxRows(spark);
    java.util.Optional<List<Row>> smallManifest = DriverTable.read(manifestUri, MANIFEST_COLUMNS, maxRows, hadoop);
    java.util.Optional<List<Row>> smallFields = smallManifest.isEmpty() ? java.util.Optional.empty()
        : DriverTable.read(f.fields, FIELD_COLUMNS, maxRows, hadoop);
    List<Row> picked;
    Map<String, Map<String, ManifestRecord>> levels = new LinkedHashMap<>();
    if (smallFields.isPresent()) {
      picked = pickOnDriver(smallManifest.get(), smallFields.get(), f, n, levels);
    } else {
      picked = pick(spark, manifestUri, f, n, levels);
    }
    List<Sample> out = new ArrayList<>();
    for (Row p : picked) {
      // the reference columns start from what the model saw: the same alpha compositing
      AlphaPolicy alpha = AlphaPolicy.fromStored(p.getAs("alpha")).orElse(AlphaPolicy.BLACK);
      String key = p.getAs("key");
      out.add(sample(key, p.getAs("source_uri"), alpha, levels.get(key), f.levels, hadoop));
    }
    return out;
  }

  /**
   * The same choice as pick's queries, on the driver over small tables: the smallest keys (in
   * Spark's order) with every level in this format, under MAX_SOURCE_PIXELS, and their rows.
   */
  private static List<Row> pickOnDriver(List<Row> manifest, List<Row> fields, RunFacts f, int n,
      Map<String, Map<String, ManifestRecord>> levels) {
    Map<String, Map<String, Row>> byKey = new java.util.TreeMap<>(SparkOrder.STRINGS);
    for (Row m : manifest) {
      if (f.levels.contains(m.<String>getAs(ManifestTable.LEVEL)) && f.format.equals(m.getAs("format"))) {
        byKey.computeIfAbsent(m.getAs("key"), k -> new LinkedHashMap<>()).put(m.getAs(ManifestTable.LEVEL), m);
      }
    }
    java.util.Set<String> candidates = new java.util.LinkedHashSet<>();
    for (Map.Entry<String, Map<String, Row>> e : byKey.entrySet()) {
      if (e.getValue().size() == f.levels.size() && candidates.size() < CANDIDATES_PER_SAMPLE * n) {
        candidates.add(e.getKey());
      }
    }
    Map<String, Row> firstField = new java.util.TreeMap<>(SparkOrder.STRINGS);
    for (Row r : fields) {
      if (candidates.contains(r.<String>getAs("key"))) {
        firstField.putIfAbsent(r.getAs("key"), r);
      }
    }
    List<Row> picked = new ArrayList<>();
    for (Row r : firstField.values()) {
      if ((long) r.<Integer>getAs("width") * r.<Integer>getAs("height") <= MAX_SOURCE_PIXELS && picked.size() < n) {
        picked.add(r);
        Map<String, ManifestRecord> mine = new LinkedHashMap<>();
        byKey.get(r.<String>getAs("key")).forEach((level, m) -> mine.put(level, ManifestRecord.fromRow(m)));
        levels.put(r.getAs("key"), mine);
      }
    }
    return picked;
  }

  /** The samples (key, source_uri, alpha) by queries, and their manifest records into levels. */
  private static List<Row> pick(SparkSession spark, String manifestUri, RunFacts f, int n,
      Map<String, Map<String, ManifestRecord>> levels) {
    Dataset<Row> manifest = spark.read().schema(ManifestTable.SCHEMA).parquet(manifestUri)
        .filter(col(ManifestTable.LEVEL).isin(f.levels.toArray()).and(col("format").equalTo(f.format)));
    Dataset<Row> fields = spark.read().schema(FieldTable.SCHEMA).parquet(f.fields);
    // the smallest keys with every level, a few more than needed: only those are looked up in fields/
    Object[] candidates = manifest.groupBy("key").agg(countDistinct(col(ManifestTable.LEVEL)).as("n"))
        .filter(col("n").equalTo(f.levels.size())).orderBy("key").limit(CANDIDATES_PER_SAMPLE * n).select("key")
        .collectAsList().stream().map(r -> r.getAs("key")).toArray();
    List<Row> picked = candidates.length == 0 ? List.of() : fields.filter(col("key").isin(candidates))
        .groupBy("key").agg(first("source_uri").as("source_uri"), first("width").as("width"),
            first("height").as("height"), first("alpha").as("alpha"))
        .filter(col("width").cast("long").multiply(col("height")).leq(MAX_SOURCE_PIXELS))
        .orderBy("key").limit(n).select("key", "source_uri", "alpha").collectAsList();
    if (!picked.isEmpty()) {
      for (Row r : manifest.filter(col("key").isin(picked.stream().map(p -> p.getAs("key")).toArray()))
          .collectAsList()) {
        ManifestRecord m = ManifestRecord.fromRow(r);
        levels.computeIfAbsent(m.key(), k -> new LinkedHashMap<>()).put(m.scale().level(), m);
      }
    }
    return picked;
  }

  private static Sample sample(String key, String sourceUri, AlphaPolicy alpha, Map<String, ManifestRecord> rows,
      List<String> order, Configuration hadoop) {
    FloatImage source = null;
    String sourceNote = null;
    try {
      // upright: the decoder applies EXIF orientation, as it did for the encoder
      source = new ImageDecoder(MAX_SOURCE_PIXELS, alpha)
          .decode(HadoopFiles.read(sourceUri, hadoop, MAX_FILE_BYTES), key).rgb();
    } catch (Exception e) {
      sourceNote = "source not readable now: " + e.getMessage();
    }
    List<Level> levels = new ArrayList<>();
    for (String level : order) {
      ManifestRecord r = rows.get(level);
      int width = r.width();
      int height = r.height();
      int w = Math.min(WINDOW, width);
      int h = Math.min(WINDOW, height);
      int x = (width - w) / 2;
      int y = (height - h) / 2;
      String ours = null;
      String note = sourceNote;
      try {
        BufferedImage rendered = ImageIO.read(new ByteArrayInputStream(
            PyramidImages.read(r.path(), r.key(), r.member(), r.rowIndex(), hadoop, MAX_FILE_BYTES)));
        ours = dataUri(copy(rendered, x, y, w, h));
      } catch (IOException | RuntimeException e) {
        note = "pyramid file not readable: " + e.getMessage();
      }
      String lanczos3 = reference(source, width, height, x, y, w, h, ResampleFilter.LANCZOS3);
      String bicubic = reference(source, width, height, x, y, w, h, ResampleFilter.BICUBIC);
      levels.add(new Level(level, width, height, x, y, w, h, ours, lanczos3, bicubic, note));
    }
    return new Sample(key, sourceUri, levels);
  }

  /** The window [x, x + w) x [y, y + h) of the source resized to width x height, as a data URI; null without a source. */
  static String reference(FloatImage source, int width, int height, int x, int y, int w, int h,
      ResampleFilter filter) {
    return source == null ? null
        : dataUri(ImageEncoding.toRgb8(Resample.window(source, width, height, x, y, w, h, filter)));
  }

  private static BufferedImage copy(BufferedImage img, int x, int y, int w, int h) {
    BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
    Graphics2D g = out.createGraphics();
    g.drawImage(img.getSubimage(x, y, w, h), 0, 0, null);
    g.dispose();
    return out;
  }

  private static String dataUri(BufferedImage img) {
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    try {
      ImageIO.write(img, "png", png);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("writing to memory cannot fail", e);
    }
    return "data:image/png;base64," + Base64.getEncoder().encodeToString(png.toByteArray());
  }
}
