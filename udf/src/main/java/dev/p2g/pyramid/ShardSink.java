package dev.p2g.pyramid;

import dev.p2g.io.HadoopFiles;
import dev.p2g.io.OutputLayout;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The sharded layouts (webdataset, parquet): a task's images of a level go into shards of at most
 * shardSize images or about MAX_SHARD_BYTES. On a file system (file, hdfs) a shard is written
 * under pyramid/x{S}/_tmp/, which no reader takes for a shard (Spark and Hadoop skip names
 * starting with '_'; a WebDataset glob of *.tar does not descend into it), and renamed to
 * pyramid/x{S}/{name} when full or when the task ends, before the task's manifest rows can be
 * committed. On an object store a rename is a copy of every byte, and an object appears only when
 * its writer closes (a PUT, or a multipart upload completed by close): there the shard is written
 * at its final name at once, so it appears complete when full or when the task ends, as the
 * rename would make it, and a task killed before that leaves at most a pending upload, which the
 * next run aborts (Leftovers). Names carry the task's prefix and
 * a sequence number, unique per task attempt, so a retried task never writes over a shard that
 * an earlier attempt's rows may name; what a failed attempt leaves is removed by the driver's
 * sweep (ShardSweep in the job).
 */
public final class ShardSink implements ImageSink {
  /** Schemes whose files appear only when closed, and rename by copying: shards go to their final name. */
  static final java.util.Set<String> OBJECT_STORES = java.util.Set.of("s3a", "s3", "gs");
  /** The folder of unfinished shards in each level folder. */
  public static final String TEMP_DIR = "_tmp";
  /** About 1 GB a shard: large enough to read at full speed, small enough to fetch or retry alone. */
  public static final long MAX_SHARD_BYTES = 1L << 30;
  /**
   * A streamed (tiled) image is buffered to a local file before it goes into a shard (a tar
   * member needs its size first); above this it is refused (render.too-large), so a task's
   * local disk is bounded too.
   */
  static final long MAX_BUFFERED_BYTES = 8L << 30;

  /** Opens a shard of the layout at a (temporary) path. */
  interface Opener {
    Shard open(Path path, String level) throws IOException;
  }

  private record Open(Shard shard, Path temp, Path target) {}

  private final OutputLayout layout;
  private final PyramidLayout kind;
  private final int shardSize;
  private final Configuration hadoop;
  private final String prefix;
  private final Opener opener;
  private final Map<String, Open> open = new LinkedHashMap<>();
  private int sequence;

  /** prefix: unique per task attempt (the partition and a random id), the start of every shard name. */
  public static ShardSink of(PyramidLayout kind, OutputLayout layout, int shardSize, Configuration hadoop,
      String prefix, long mtimeSeconds) {
    Opener opener = switch (kind) {
      case WEBDATASET -> (path, level) -> new TarShard(HadoopFiles.create(path, hadoop), mtimeSeconds);
      case PARQUET -> (path, level) -> new ParquetShard(path, level, hadoop);
      case FILES -> throw new IllegalArgumentException("the files layout has no shards");
    };
    return new ShardSink(layout, kind, shardSize, hadoop, prefix, opener);
  }

  private ShardSink(OutputLayout layout, PyramidLayout kind, int shardSize, Configuration hadoop, String prefix,
      Opener opener) {
    this.layout = layout;
    this.kind = kind;
    this.shardSize = shardSize;
    this.hadoop = hadoop;
    this.prefix = prefix;
    this.opener = opener;
  }

  @Override
  public Placement put(Entry entry, byte[] bytes) {
    return add(entry, bytes.length, () -> new ByteArrayInputStream(bytes));
  }

  @Override
  public Placement stream(Entry entry, Content content) throws IOException {
    java.nio.file.Path buffer = Files.createTempFile("p2g-level-", "." + entry.extension());
    try {
      try (OutputStream out = new BoundedOutput(Files.newOutputStream(buffer), MAX_BUFFERED_BYTES, entry)) {
        content.writeTo(out);
      }
      return add(entry, Files.size(buffer), () -> Files.newInputStream(buffer));
    } finally {
      Files.deleteIfExists(buffer);
    }
  }

  private Placement add(Entry entry, long size, Shard.Source source) {
    Open o = open.get(entry.level());
    try {
      if (o == null) {
        o = start(entry.level());
      }
      Placement in = o.shard().add(entry, size, source);
      if (o.shard().images() >= shardSize || o.shard().bytes() >= MAX_SHARD_BYTES) {
        finish(entry.level());
      }
      return new Placement(o.target().toString(), in.bytes(), in.member(), in.rowIndex());
    } catch (IOException e) {
      throw new ShardBroken("cannot write the " + kind.cliName() + " shard " + (o == null ? "of " + entry.level()
          : o.temp()) + ": " + e, e);
    }
  }

  private Open start(String level) throws IOException {
    String name = String.format("%s-%05d.%s", prefix, sequence++, kind.shardExtension());
    Path dir = new Path(layout.pyramid() + "/" + level);
    Path target = new Path(dir, name);
    Path temp = OBJECT_STORES.contains(target.getFileSystem(hadoop).getScheme()) ? target
        : new Path(new Path(dir, TEMP_DIR), name);
    Open o = new Open(opener.open(temp, level), temp, target);
    open.put(level, o);
    return o;
  }

  /** Closes a level's shard and gives it its final name. */
  private void finish(String level) throws IOException {
    Open o = open.remove(level);
    o.shard().close();
    FileSystem fs = o.temp().getFileSystem(hadoop);
    if (!o.temp().equals(o.target()) && !fs.rename(o.temp(), o.target())) {
      throw new IOException("cannot rename " + o.temp() + " to " + o.target());
    }
    HadoopFiles.dropChecksum(o.target(), hadoop); // Parquet's writer leaves one on local disks
  }

  @Override
  public void close() {
    for (String level : java.util.List.copyOf(open.keySet())) {
      Path temp = open.get(level).temp();
      try {
        finish(level);
      } catch (IOException e) {
        throw new ShardBroken("cannot finish the " + kind.cliName() + " shard " + temp + ": " + e, e);
      }
    }
  }

  @Override
  public void abort() {
    // On S3A a tar shard's upload is aborted and the shard never appears. A Parquet shard can only
    // be closed: on an object store it then stands at its final name until the delete, named by
    // no manifest row, and the sweep removes it if the delete fails. A task killed outright
    // leaves at most a pending upload, aborted by the next run.
    for (Open o : open.values()) {
      boolean discarded = false;
      try {
        discarded = o.shard().discard();
      } catch (IOException | RuntimeException e) {
        // the shard is dropped anyway; the driver's sweep removes what this could not
      }
      try {
        if (!discarded) {
          o.temp().getFileSystem(hadoop).delete(o.temp(), false);
        }
      } catch (IOException e) {
        // as above
      }
    }
    open.clear();
  }

  /** Refuses an image over the bound as it is written, before it fills the disk. */
  private static final class BoundedOutput extends java.io.FilterOutputStream {
    private final long max;
    private final Entry entry;
    private long count;

    BoundedOutput(OutputStream out, long max, Entry entry) {
      super(out);
      this.max = max;
      this.entry = entry;
    }

    @Override
    public void write(int b) throws IOException {
      grow(1);
      out.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      grow(len);
      out.write(b, off, len);
    }

    private void grow(long n) {
      count += n;
      if (count > max) {
        throw new OutputTooLarge(entry.level() + " of " + entry.key() + " is over " + max
            + " bytes, the most a streamed image is buffered locally for a shard; use --pyramid-layout files");
      }
    }
  }
}
