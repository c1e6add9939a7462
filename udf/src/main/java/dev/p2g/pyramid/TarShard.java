package dev.p2g.pyramid;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.p2g.pyramid.ImageSink.Entry;
import dev.p2g.pyramid.ImageSink.Placement;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.StreamCapabilities;

/**
 * A WebDataset shard: per image, the member {escaped key without extension}.{png|jpg} and beside
 * it the .json with key, level, width, height, source (URI) and model (model id); for an image
 * from a WebDataset shard also source_shard and source_member, where its sample came from.
 */
final class TarShard implements Shard {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SHARD_MEMBER = ".tar#";

  private final OutputStream out;
  private final TarWriter tar;
  private int images;

  TarShard(OutputStream out, long mtimeSeconds) {
    this.out = out;
    this.tar = new TarWriter(out, mtimeSeconds);
  }

  @Override
  public Placement add(Entry entry, long size, Source source) throws IOException {
    String member = WebDatasetNames.member(entry.key(), entry.extension());
    try (InputStream in = source.open()) {
      tar.add(member, size, in);
    }
    tar.add(WebDatasetNames.member(entry.key(), "json"), JSON.writeValueAsBytes(metadata(entry)));
    images++;
    return new Placement(null, size, member, null);
  }

  static Map<String, Object> metadata(Entry entry) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("key", entry.key());
    m.put("level", entry.level());
    m.put("width", entry.width());
    m.put("height", entry.height());
    m.put("source", entry.sourceUri());
    m.put("model", entry.modelId());
    int member = entry.sourceUri() == null ? -1 : entry.sourceUri().indexOf(SHARD_MEMBER);
    if (member > 0) { // PackedSources names a member {shard URI}#{member name}
      m.put("source_shard", entry.sourceUri().substring(0, member + SHARD_MEMBER.length() - 1));
      m.put("source_member", entry.sourceUri().substring(member + SHARD_MEMBER.length()));
    }
    if (entry.attributes() != null) {
      m.put("attributes", entry.attributes());
    }
    return m;
  }

  @Override
  public int images() {
    return images;
  }

  @Override
  public long bytes() {
    return tar.written();
  }

  @Override
  public void close() throws IOException {
    tar.close();
  }

  /** On S3A the upload is aborted: the shard never appears, not even for a moment. */
  @Override
  public boolean discard() throws IOException {
    if (out instanceof FSDataOutputStream stream && stream.hasCapability(StreamCapabilities.ABORTABLE_STREAM)) {
      stream.abort();
      return true;
    }
    return Shard.super.discard();
  }
}
