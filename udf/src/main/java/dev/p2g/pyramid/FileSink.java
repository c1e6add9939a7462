package dev.p2g.pyramid;

import dev.p2g.io.HadoopFiles;
import dev.p2g.io.OutputLayout;
import java.io.IOException;
import java.io.OutputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * The files layout: every image its own file, pyramid/x{S}/{key without extension}.{ext}. The
 * name is deterministic, so a retried task overwrites what the failed one wrote; nothing is
 * left to finish at close.
 */
public final class FileSink implements ImageSink {
  private final OutputLayout layout;
  private final Configuration hadoop;

  public FileSink(OutputLayout layout, Configuration hadoop) {
    this.layout = layout;
    this.hadoop = hadoop;
  }

  @Override
  public Placement put(Entry entry, byte[] bytes) throws IOException {
    String path = path(entry);
    HadoopFiles.write(path, bytes, hadoop);
    return new Placement(path, bytes.length, null, null);
  }

  @Override
  public Placement stream(Entry entry, Content content) throws IOException {
    String path = path(entry);
    Path p = new Path(path);
    try (OutputStream out = HadoopFiles.create(p, hadoop)) {
      content.writeTo(out);
    }
    return new Placement(path, p.getFileSystem(hadoop).getFileStatus(p).getLen(), null, null);
  }

  private String path(Entry entry) {
    return layout.pyramidFile(entry.level(), entry.key(), entry.extension());
  }

  @Override
  public void close() {}

  @Override
  public void abort() {}
}
