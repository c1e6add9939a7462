package dev.p2g.job.run;

import dev.p2g.field.TileGrid;
import dev.p2g.job.common.SparkOrder;
import dev.p2g.job.tables.DriverTable;
import dev.p2g.spark.EncodePartition;
import dev.p2g.tables.FieldTable;
import dev.p2g.tables.SourceCheckTable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * EncodePlan's classification of a small listing, on the driver, over fields/ and source-check
 * rows it read itself (DriverTable): the same rules as EncodePlan.classify's joins, in Java, so
 * that a re-run of a handful of images runs no Spark query to learn that they are done. The
 * tests hold the two to the same answers (EncodePlanTest).
 */
final class DriverEncodePlan {
  /** What the classification reads of fields/ and of the source checks. */
  static final StructType FIELD_COLUMNS = DriverTable.columns(FieldTable.SCHEMA, "key", "source_uri", "source_sha256",
      FieldTable.SOURCE_SIZE, FieldTable.SOURCE_MODIFIED, FieldTable.SOURCE_ETAG, "model_id", "width", "height",
      "tile_width", "tile_height");
  static final StructType CHECK_COLUMNS = DriverTable.columns(SourceCheckTable.SCHEMA, "key", "source_uri",
      FieldTable.SOURCE_SIZE, FieldTable.SOURCE_MODIFIED, FieldTable.SOURCE_ETAG, "source_sha256");
  private static final StructType CLASSIFIED = EncodePartition.INPUT
      .add(EncodePlan.CLASS, DataTypes.IntegerType)
      .add(EncodePlan.DONE_SHA, DataTypes.StringType)
      .add(EncodePlan.PRESENT, DataTypes.BooleanType);

  private DriverEncodePlan() {}

  /** A source's listing: URI, size, modification time, ETag. */
  private record Listed(String uri, Long size, Long modified, String etag) {
    static Listed of(Row r, String uriColumn) {
      return new Listed(r.getAs(uriColumn), r.getAs(FieldTable.SOURCE_SIZE), r.getAs(FieldTable.SOURCE_MODIFIED),
          r.getAs(FieldTable.SOURCE_ETAG));
    }

    /** EncodePlan.sameListing: URI, size and time equal (null never equals), ETags too where both have one. */
    boolean same(Listed o) {
      return equal(uri, o.uri) && equal(size, o.size) && equal(modified, o.modified)
          && (etag == null || o.etag == null || etag.equals(o.etag));
    }

    private static boolean equal(Object a, Object b) {
      return a != null && b != null && a.equals(b);
    }
  }

  /** One (key, source hash) of fields/ for the model, as Fields.tileCounts aggregates it. */
  private static final class Stored {
    int rows;
    int width;
    int height;
    int side;
    Listed listed;

    void add(Row r) {
      rows++;
      width = Math.max(width, r.<Integer>getAs("width"));
      height = Math.max(height, r.<Integer>getAs("height"));
      side = Math.max(side, Math.max(r.<Integer>getAs("tile_width"), r.<Integer>getAs("tile_height")));
      Listed l = Listed.of(r, "source_uri");
      listed = listed == null ? l : new Listed(max(listed.uri, l.uri), max(listed.size, l.size),
          max(listed.modified, l.modified), max(listed.etag, l.etag));
    }

    /** All its tiles are there (Fields.completeImages). */
    boolean complete() {
      return rows == TileGrid.count(width, height, side);
    }

    private static <T extends Comparable<T>> T max(T a, T b) {
      return a == null ? b : b == null ? a : a.compareTo(b) >= 0 ? a : b;
    }

    private static String max(String a, String b) {
      return a == null ? b : b == null ? a : SparkOrder.STRINGS.compare(a, b) >= 0 ? a : b;
    }
  }

  /**
   * images: the listing (EncodePartition.INPUT); fields, checks: rows of FIELD_COLUMNS and
   * CHECK_COLUMNS (checks empty under --verify-sources). Returns the images with CLASS, DONE_SHA
   * and PRESENT (whether fields/ has any row of the key, in any model).
   */
  static List<Row> classify(List<Row> images, List<Row> fields, List<Row> checks, String modelId, boolean verify) {
    Map<String, Map<String, Stored>> stored = new HashMap<>();
    Set<String> present = new HashSet<>();
    for (Row f : fields) {
      present.add(f.getAs("key"));
      if (modelId.equals(f.getAs("model_id"))) {
        stored.computeIfAbsent(f.getAs("key"), k -> new HashMap<>())
            .computeIfAbsent(f.getAs("source_sha256"), s -> new Stored()).add(f);
      }
    }
    Map<String, List<Row>> checksByKey = new HashMap<>();
    for (Row c : checks) {
      checksByKey.computeIfAbsent(c.getAs("key"), k -> new ArrayList<>()).add(c);
    }
    List<Row> out = new ArrayList<>(images.size());
    for (Row image : images) {
      String key = image.getAs("key");
      String doneSha = null;
      Stored done = null;
      for (Map.Entry<String, Stored> e : stored.getOrDefault(key, Map.of()).entrySet()) {
        if (e.getValue().complete() && (doneSha == null || e.getKey().compareTo(doneSha) > 0)) {
          doneSha = e.getKey();
          done = e.getValue();
        }
      }
      int planClass = EncodePlan.NEW;
      if (done != null) {
        Listed listed = Listed.of(image, "uri");
        boolean unchanged = !verify && listed.same(done.listed);
        for (Row c : checksByKey.getOrDefault(key, List.of())) { // a check of an earlier run that vouches
          unchanged |= !verify && Objects.equals(c.getAs("source_sha256"), doneSha)
              && listed.same(Listed.of(c, "source_uri"));
        }
        planClass = unchanged ? EncodePlan.UNCHANGED : EncodePlan.CHECK;
      }
      Object[] values = new Object[CLASSIFIED.size()];
      for (int i = 0; i < EncodePartition.INPUT.size(); i++) {
        values[i] = image.get(i);
      }
      values[EncodePartition.INPUT.size()] = planClass;
      values[EncodePartition.INPUT.size() + 1] = doneSha;
      values[EncodePartition.INPUT.size() + 2] = present.contains(key) ? Boolean.TRUE : null;
      out.add(new GenericRowWithSchema(values, CLASSIFIED));
    }
    return out;
  }
}
