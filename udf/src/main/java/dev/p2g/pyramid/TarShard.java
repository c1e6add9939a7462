package dev.p2g.pyramid;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.p2g.pyramid.ImageSink.Entry;
import dev.p2g.pyramid.ImageSink.Placement;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A WebDataset shard: per image, the member {escaped key}.{png|jpg} and beside it
 * {escaped key}.json with key, level, width, height, source (URI) and model (model id).
 */
final class TarShard implements Shard {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final TarWriter tar;
  private int images;

  TarShard(OutputStream out, long mtimeSeconds) {
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
}
