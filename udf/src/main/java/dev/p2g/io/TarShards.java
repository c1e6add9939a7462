package dev.p2g.io;

import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * WebDataset shards: plain tar files (ustar, PAX or GNU long names, as Python's tarfile and the
 * webdataset writers make them). The listing reads the headers once and records where each
 * member's data starts, so that encode reads a member with one seek and one read of its bytes,
 * without parsing the shard again. Commons Compress (on Spark's and Hadoop's classpath) parses
 * the headers.
 */
public final class TarShards {
  /** A regular file in a shard: its name, where its data starts and how many bytes it has. */
  public record Member(String name, long dataOffset, long size) {}

  /** Takes the members of a shard, in shard order. */
  public interface Visitor {
    void member(Member member) throws IOException;
  }

  private TarShards() {}

  /**
   * Visits the regular files of a shard of length bytes, in order. A member whose data would end
   * past the shard's end (a truncated shard) is not visited: TruncatedShardException names it,
   * after every complete member before it was visited. A header that cannot be parsed throws an
   * IOException, also after the members before it.
   */
  @SuppressWarnings("deprecation") // getNextEntry returns a TarArchiveEntry only from Commons Compress 1.25; Spark 3.5 has 1.23
  public static void list(InputStream shard, long length, Visitor visitor) throws IOException {
    try (TarArchiveInputStream tar = new TarArchiveInputStream(shard)) {
      for (TarArchiveEntry e = tar.getNextTarEntry(); e != null; e = tar.getNextTarEntry()) {
        if (!e.isFile()) {
          continue;
        }
        long start = tar.getBytesRead(); // the headers of this member are read, none of its data
        if (start + e.getSize() > length) {
          throw new TruncatedShardException(e.getName(), start + e.getSize() - length);
        }
        visitor.member(new Member(e.getName(), start, e.getSize()));
      }
    }
  }

  /**
   * Visits the regular files of a shard on a Hadoop file system, skipping every member's data
   * with a seek: an object store then fetches the headers, not the data between them.
   */
  public static void list(FSDataInputStream shard, long length, Visitor visitor) throws IOException {
    list(new FilterInputStream(shard) {
      @Override
      public long skip(long n) throws IOException {
        long from = shard.getPos();
        long to = Math.min(length, from + Math.max(0, n));
        shard.seek(to);
        return to - from;
      }
    }, length, visitor);
  }

  /** The data of the first regular file named name in a shard of length bytes; null when it has none. */
  public static byte[] find(FileSystem fs, Path path, String name, long maxBytes) throws IOException {
    long length = fs.getFileStatus(path).getLen();
    Member[] found = {null};
    try (FSDataInputStream in = fs.open(path)) {
      list(in, length, m -> {
        if (found[0] == null && m.name().equals(name)) {
          found[0] = m;
        }
      });
    }
    if (found[0] == null) {
      return null;
    }
    if (found[0].size() > maxBytes) {
      throw new IOException(name + " in " + path + " is " + found[0].size() + " bytes, over " + maxBytes);
    }
    try (FSDataInputStream in = fs.open(path)) {
      return read(in, found[0].dataOffset(), found[0].size());
    }
  }

  /** The data of a member listed at dataOffset with size bytes. */
  public static byte[] read(FSDataInputStream shard, long dataOffset, long size) throws IOException {
    if (size > Integer.MAX_VALUE - 8) {
      throw new IOException("a member of " + size + " bytes is larger than one array can hold");
    }
    byte[] out = new byte[(int) size];
    try {
      shard.readFully(dataOffset, out);
    } catch (EOFException e) {
      throw new IOException("the shard ends inside this member (offset " + dataOffset + ", " + size + " bytes)", e);
    }
    return out;
  }

  /** A shard cut short: the member whose data runs past its end, and by how many bytes. */
  public static final class TruncatedShardException extends IOException {
    private final String member;

    TruncatedShardException(String member, long missing) {
      super("the shard ends " + missing + " bytes before the end of member '" + member + "' (a truncated tar)");
      this.member = member;
    }

    public String member() {
      return member;
    }
  }
}
