package dev.p2g.sources;

import dev.p2g.io.ImageKeys;
import dev.p2g.io.TarShards;
import dev.p2g.tables.FieldTable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.util.SerializableConfiguration;

/**
 * Lists one WebDataset shard (a listed .tar file, ListFiles.SCHEMA) into PackedSources.MEMBER
 * rows. Members are grouped into samples as WebDataset groups them: consecutive members whose
 * names agree up to the first dot of their base name ("a/0001.jpg", "a/0001.json" are sample
 * "a/0001"). A sample's image is its first member with an image extension; its key is the
 * shard's key without ".tar", then the member's name ("train/shard-000/a/0001.jpg"). A sample
 * without an image is counted as another file; a truncated or unreadable shard gives an error
 * row after the samples read before the damage.
 */
public final class ListShardMembers implements FlatMapFunction<Row, Row> {
  private final Broadcast<SerializableConfiguration> conf;

  public ListShardMembers(Broadcast<SerializableConfiguration> conf) {
    this.conf = conf;
  }

  @Override
  public Iterator<Row> call(Row shard) {
    List<Row> out = new ArrayList<>();
    String folder = PackedSources.folderKey(shard);
    Samples samples = new Samples(shard, folder, out);
    Path path = new Path(shard.<String>getAs("uri"));
    try {
      FileSystem fs = path.getFileSystem(conf.value().value());
      long length = shard.getAs(FieldTable.SOURCE_SIZE);
      try (FSDataInputStream in = fs.open(path)) {
        TarShards.list(in, length, samples::add);
      }
      samples.finish();
    } catch (TarShards.TruncatedShardException e) {
      samples.finish();
      out.add(PackedSources.error(shard, folder + "/" + e.member(), e.member(), "list.truncated-shard",
          e.getMessage()));
    } catch (IOException | RuntimeException e) {
      samples.finish();
      out.add(PackedSources.error(shard, shard.getAs("key"), null, "list.bad-shard",
          "cannot read the shard as tar after " + samples.count + " samples: " + e.getMessage()));
    }
    return out.iterator();
  }

  /** WebDataset's sample key of a member name: everything before the first dot of its base name. */
  static String sampleKey(String member) {
    int slash = member.lastIndexOf('/');
    int dot = member.indexOf('.', slash + 1);
    return dot < 0 ? member : member.substring(0, dot);
  }

  /** Consecutive members of one sample, turned into a row when the next sample starts. */
  private static final class Samples {
    private final Row shard;
    private final String folder;
    private final List<Row> out;
    private String current;
    private TarShards.Member image;
    private int count;

    Samples(Row shard, String folder, List<Row> out) {
      this.shard = shard;
      this.folder = folder;
      this.out = out;
    }

    void add(TarShards.Member m) {
      String sample = sampleKey(m.name());
      if (!sample.equals(current)) {
        finish();
        current = sample;
      }
      if (image == null && ImageKeys.isImage(m.name())) {
        image = m;
      }
    }

    void finish() {
      if (current == null) {
        return;
      }
      count++;
      if (image != null) {
        out.add(PackedSources.image(shard, folder + "/" + image.name(), image.name(), image.dataOffset(),
            image.size(), null));
      } else {
        out.add(PackedSources.other(shard, folder + "/" + current, current));
      }
      current = null;
      image = null;
    }
  }
}
