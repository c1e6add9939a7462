package dev.p2g.io;

import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumFileSystem;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** Whole-file reads and writes through the Hadoop FileSystem API, so s3a://, hdfs:// and file:// all work. */
public final class HadoopFiles {
  private static final int BUFFER = 1 << 16;

  private HadoopFiles() {}

  /** S3A's option (hadoop-aws 3.4+) to create a file without checking what is at its path. */
  static final String S3A_CREATE_PERFORMANCE = "fs.s3a.create.performance";

  /**
   * Reads a file, refusing one larger than maxBytes before reading it. The file is opened with
   * the status already fetched, so that S3A does not ask for it again (one HEAD an image fewer).
   */
  public static byte[] read(String uri, Configuration conf, long maxBytes) throws IOException {
    Path path = new Path(uri);
    FileSystem fs = path.getFileSystem(conf);
    org.apache.hadoop.fs.FileStatus status = fs.getFileStatus(path);
    long length = status.getLen();
    if (length > maxBytes) {
      throw new FileTooLargeException(uri, length, maxBytes);
    }
    // Straight into an array of the file's length: a growing buffer would hold the bytes twice.
    byte[] bytes = new byte[(int) length];
    try (org.apache.hadoop.fs.FSDataInputStream in = org.apache.hadoop.util.functional.FutureIO.awaitFuture(
        fs.openFile(path).withFileStatus(status).build())) {
      in.readFully(bytes);
      if (in.read() >= 0) {
        throw new IOException("file grew while it was read: " + uri);
      }
    }
    return bytes;
  }

  /**
   * The first bytes of a file, at most length of them: one ranged read (on S3 a GET of that
   * range), for a look at a header without fetching the file.
   */
  public static byte[] readPrefix(String uri, Configuration conf, int length) throws IOException {
    Path path = new Path(uri);
    try (org.apache.hadoop.fs.FSDataInputStream in = path.getFileSystem(conf).open(path)) {
      byte[] buffer = new byte[length];
      int n = 0;
      for (int r; n < length && (r = in.read(buffer, n, length - n)) >= 0; ) {
        n += r;
      }
      return n == length ? buffer : java.util.Arrays.copyOf(buffer, n);
    }
  }

  public static void write(String uri, byte[] bytes, Configuration conf) throws IOException {
    try (OutputStream out = create(new Path(uri), conf)) {
      out.write(bytes);
    }
  }

  /**
   * A new output file (replaced if it exists: names are deterministic, so a retried task
   * rewrites the same file), without the hidden ".name.crc" file Hadoop's local file system
   * writes beside every file: pyramids on local disks are read by other tools, which have no use
   * for them, and they doubled the files of a pyramid. A stale checksum of an earlier file of
   * that name is removed, or a Hadoop reader would take the new file for a corrupt one. On S3A
   * (hadoop-aws 3.4+) the file is created in its performance mode: without the LIST and HEAD it
   * sends before every create to find a directory or file of that name, one LIST an image a
   * level (docs/operations.md); our names are deterministic files, so there is none to find.
   * Parent folders are made as create makes them (the builder makes them only when asked: HDFS).
   * Other file systems ignore the option.
   */
  public static OutputStream create(Path path, Configuration conf) throws IOException {
    FileSystem fs = path.getFileSystem(conf);
    if (fs instanceof ChecksumFileSystem checksummed) {
      FileSystem raw = checksummed.getRawFileSystem();
      raw.delete(checksummed.getChecksumFile(path), false);
      return raw.create(path, true, BUFFER);
    }
    // createFile's builder is a raw type in Hadoop's API: build() gives an Object
    return (OutputStream) fs.createFile(path).recursive().overwrite(true).bufferSize(BUFFER)
        .opt(S3A_CREATE_PERFORMANCE, "true")
        .build();
  }

  /** Removes the hidden checksum file a local file system keeps beside path, if any (see create). */
  public static void dropChecksum(Path path, Configuration conf) throws IOException {
    if (path.getFileSystem(conf) instanceof ChecksumFileSystem checksummed) {
      checksummed.getRawFileSystem().delete(checksummed.getChecksumFile(path), false);
    }
  }

  public static String sha256Hex(byte[] bytes) {
    return HexFormat.of().formatHex(sha256().digest(bytes));
  }

  public static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  /** A file over the size a stage accepts. */
  public static final class FileTooLargeException extends IOException {
    public FileTooLargeException(String uri, long length, long maxBytes) {
      super("file is " + length + " bytes, over the limit of " + maxBytes + " bytes: " + uri);
    }
  }

}
