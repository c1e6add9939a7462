package dev.p2g.job;

import java.io.IOException;
import java.net.URI;
import java.util.Map;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;

/**
 * The local disk under a scheme of its own (src:///tmp/…), so that Hadoop's per-scheme file
 * system statistics count the reads of sources alone, apart from the job's own tables on file://.
 */
public final class SourceFileSystem extends RawLocalFileSystem {
  public static final String SCHEME = "src";

  /** Its settings, for a Hadoop configuration (or spark.hadoop.*). */
  public static Map<String, String> settings() {
    return Map.of("fs." + SCHEME + ".impl", SourceFileSystem.class.getName());
  }

  /** Bytes read through this scheme by every instance in the JVM, by Hadoop's own count. */
  public static long bytesRead() {
    FileSystem.Statistics stats = FileSystem.getStatistics(SCHEME, SourceFileSystem.class);
    return stats.getBytesRead();
  }

  /** RawLocalFileSystem's statuses load their permissions through a file: URI; plain ones need none. */
  @Override
  public FileStatus getFileStatus(Path p) throws IOException {
    return plain(super.getFileStatus(p));
  }

  @Override
  public FileStatus[] listStatus(Path p) throws IOException {
    FileStatus[] found = super.listStatus(p);
    FileStatus[] out = new FileStatus[found.length];
    for (int i = 0; i < found.length; i++) {
      out[i] = plain(found[i]);
    }
    return out;
  }

  private static FileStatus plain(FileStatus s) {
    return new FileStatus(s.getLen(), s.isDirectory(), 1, s.getBlockSize(), s.getModificationTime(), s.getPath());
  }

  @Override
  public String getScheme() {
    return SCHEME;
  }

  @Override
  public URI getUri() {
    return URI.create(SCHEME + ":///");
  }
}
