package dev.p2g.io;

import java.io.Serializable;
import org.apache.hadoop.fs.EtagSource;
import org.apache.hadoop.fs.FileStatus;

/**
 * What a listing says of a source file without reading it: size, modification time and, where
 * the store reports one (S3A, ABFS), its ETag. A re-run compares these with what the field
 * recorded to decide that a source is unchanged without reading a byte of it.
 */
public record SourceStat(long size, long modifiedMillis, String etag) implements Serializable {
  public static SourceStat of(FileStatus status) {
    String etag = status instanceof EtagSource e ? emptyToNull(e.getEtag()) : null;
    return new SourceStat(status.getLen(), status.getModificationTime(), etag);
  }

  private static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }
}
