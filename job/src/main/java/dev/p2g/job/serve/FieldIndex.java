package dev.p2g.job.serve;

import dev.p2g.field.Degradation;
import dev.p2g.job.tables.DriverTable;
import dev.p2g.tables.FieldTable;
import java.io.IOException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * The keys of a fields/ table and where each key's field is, so that a request finds its rows
 * without a scan: built from four small columns of every file (key, encoded_at, width, height;
 * never the parameters), and refreshed by listing fields/ again, which reads only the files it
 * has not seen and forgets those that are gone (the table is append-only; compaction rewrites
 * files). As the job reads the table, an image's field is its rows of the latest encoded_at,
 * and files or folders whose names start with '_' or '.' are not the table (DriverTable).
 *
 * <p>What it holds: one entry a key with its tiles, and a file's rows while the file is there:
 * about 330 bytes a row with 38-character keys (IndexHeapBenchmark: 200,000 rows, 66.5 MB), so
 * a million images is about 330 MB.
 */
public final class FieldIndex {
  private static final StructType COLUMNS = DriverTable.columns(FieldTable.SCHEMA, "key", FieldTable.ENCODED_AT,
      "width", "height", "tile_x", "tile_y", "tile_width", "tile_height", "reach", FieldTable.DEGRADATION);

  /**
   * Where one image's field is: its size, when it was encoded, the files holding those rows and
   * its tiles (one covering the whole image unless it is stored as tiles), in raster order.
   */
  public record Entry(String key, int width, int height, Timestamp encodedAt, Degradation degradation,
      List<String> files, List<Tile> tiles) {}

  /** A tile's LR rectangle, and how far past it its Gaussians reach (the reach column). */
  public record Tile(int x, int y, int width, int height, double reach) {}

  private static final Comparator<Tile> RASTER = Comparator.comparingInt(Tile::y).thenComparingInt(Tile::x);

  /** A row of a file, as the index needs it. */
  private record KeyRow(String key, Timestamp encodedAt, int width, int height, Tile tile, String degradation) {}

  private final String uri;
  private final Configuration conf;
  private final Map<String, List<KeyRow>> rowsByFile = new HashMap<>();
  private volatile NavigableMap<String, Entry> entries = new TreeMap<>();
  private volatile Map<String, String> unreadable = Map.of();

  private FieldIndex(String uri, Configuration conf) {
    this.uri = uri;
    this.conf = conf;
  }

  /** The index of the table at uri, read now (a table that is not there has no keys until it is). */
  public static FieldIndex open(String uri, Configuration conf) throws IOException {
    FieldIndex index = new FieldIndex(uri, conf);
    index.refresh();
    return index;
  }

  /** The key's entry, or null for a key the table does not have. */
  public Entry find(String key) {
    return entries.get(key);
  }

  public int size() {
    return entries.size();
  }

  /** The files the last refresh could not read, with why: their keys are missing until they read. */
  public Map<String, String> unreadable() {
    return unreadable;
  }

  /** Up to limit keys in order, from the first after `after` (null: from the start): a page of the listing. */
  public List<String> keys(String after, int limit) {
    NavigableMap<String, Entry> view = after == null ? entries : entries.tailMap(after, false);
    List<String> page = new ArrayList<>(Math.min(limit, view.size()));
    for (String key : view.keySet()) {
      if (page.size() >= limit) {
        break;
      }
      page.add(key);
    }
    return page;
  }

  /**
   * Lists the table again: reads the files it has not seen, forgets those that are gone. Returns
   * whether the keys or their fields changed. One refresh at a time; lookups go on meanwhile and
   * see the old entries until the new ones are complete.
   */
  public synchronized boolean refresh() throws IOException {
    Set<String> listed = new HashSet<>();
    List<Path> unseen = new ArrayList<>();
    for (FileStatus f : DriverTable.dataFiles(uri, conf)) {
      String path = f.getPath().toString();
      listed.add(path);
      if (!rowsByFile.containsKey(path)) {
        unseen.add(f.getPath());
      }
    }
    boolean changed = rowsByFile.keySet().retainAll(listed);
    Map<String, String> failed = new TreeMap<>();
    for (Path file : unseen) {
      List<KeyRow> rows = new ArrayList<>();
      try {
        DriverTable.readFile(file, COLUMNS, conf, r -> rows.add(keyRow(r)));
      } catch (IOException | RuntimeException e) {
        // one unreadable file costs its own keys only; it is tried again at the next refresh
        failed.put(file.toString(), e.getClass().getSimpleName() + ": " + e.getMessage());
        continue;
      }
      rowsByFile.put(file.toString(), rows);
      changed = true;
    }
    unreadable = Map.copyOf(failed);
    if (changed) {
      entries = build();
    }
    return changed;
  }

  private static KeyRow keyRow(Row r) {
    return new KeyRow(r.getString(0), r.getTimestamp(1), r.getInt(2), r.getInt(3),
        new Tile(r.getInt(4), r.getInt(5), r.getInt(6), r.getInt(7), r.getDouble(8)), r.getString(9));
  }

  /** One entry a key: its rows of the latest encoded_at, the files they are in (sorted) and their tiles. */
  private NavigableMap<String, Entry> build() {
    NavigableMap<String, Entry> built = new TreeMap<>();
    for (Map.Entry<String, List<KeyRow>> file : rowsByFile.entrySet()) {
      for (KeyRow row : file.getValue()) {
        Entry seen = built.get(row.key());
        int order = seen == null ? 1 : row.encodedAt().compareTo(seen.encodedAt());
        if (order > 0) {
          seen = new Entry(row.key(), row.width(), row.height(), row.encodedAt(), Degradation.parse(row.degradation()),
              new ArrayList<>(), new ArrayList<>());
          built.put(row.key(), seen);
        }
        if (order >= 0) {
          if (!seen.files().contains(file.getKey())) {
            seen.files().add(file.getKey());
          }
          seen.tiles().add(row.tile());
        }
      }
    }
    for (Map.Entry<String, Entry> e : built.entrySet()) {
      Entry entry = e.getValue();
      List<String> files = new ArrayList<>(entry.files());
      files.sort(null);
      List<Tile> tiles = new ArrayList<>(entry.tiles());
      tiles.sort(RASTER);
      e.setValue(new Entry(e.getKey(), entry.width(), entry.height(), entry.encodedAt(), entry.degradation(),
          List.copyOf(files), List.copyOf(tiles)));
    }
    return built;
  }
}
