package dev.p2g.job;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.util.Progressable;

/**
 * A read-only file system of made-up image files, for listing millions of them without a disk:
 * synth://N/ holds folders d0000/ … each with folders e0000/ … each with F files img-NNN.png, as
 * many as make N in all (fs.synth.files.per.folder, default 100). Sizes and times follow from the
 * names, so every listing of it is the same. Nothing can be read or written.
 */
public final class SyntheticFileSystem extends FileSystem {
  public static final String SCHEME = "synth";
  static final long TIME = 1_700_000_000_000L;
  private URI uri;
  private long files;
  private int perFolder;

  /** Its settings, for a Hadoop configuration (or spark.hadoop.*). */
  public static java.util.Map<String, String> settings() {
    return java.util.Map.of("fs." + SCHEME + ".impl", SyntheticFileSystem.class.getName(),
        "fs." + SCHEME + ".impl.disable.cache", "true");
  }

  @Override
  public void initialize(URI name, org.apache.hadoop.conf.Configuration conf) throws IOException {
    super.initialize(name, conf);
    uri = URI.create(SCHEME + "://" + name.getAuthority());
    files = Long.parseLong(name.getAuthority());
    perFolder = conf.getInt("fs." + SCHEME + ".files.per.folder", 100);
  }

  @Override
  public String getScheme() {
    return SCHEME;
  }

  @Override
  public URI getUri() {
    return uri;
  }

  /** Folder depth of a path: 0 the root, 1 a d folder, 2 an e folder, 3 a file. */
  private static int depth(Path p) {
    return p.isRoot() ? 0 : depth(p.getParent()) + 1;
  }

  /** The number in a name: d0012 and e0034 from position 1, img-056.png between its dash and dot. */
  private static long index(Path p, int at) {
    String name = p.getName();
    int dot = name.indexOf('.');
    return Long.parseLong(name.substring(at, dot < 0 ? name.length() : dot));
  }

  /** First file index of a folder (d, e) and the count below it. */
  private long[] range(Path p) {
    long perD = (long) perFolder * perFolder;
    return switch (depth(p)) {
      case 0 -> new long[] {0, files};
      case 1 -> new long[] {index(p, 1) * perD, Math.min(perD, files - index(p, 1) * perD)};
      case 2 -> {
        long first = index(p.getParent(), 1) * perD + index(p, 1) * perFolder;
        yield new long[] {first, Math.min(perFolder, files - first)};
      }
      default -> new long[] {0, -1};
    };
  }

  @Override
  public FileStatus[] listStatus(Path f) throws IOException {
    Path p = makeQualified(f);
    int depth = depth(p);
    long[] r = range(p);
    if (depth > 2 || r[1] <= 0) {
      throw new FileNotFoundException(f.toString());
    }
    List<FileStatus> out = new ArrayList<>();
    if (depth == 2) {
      for (long i = 0; i < r[1]; i++) {
        out.add(fileStatus(new Path(p, String.format("img-%03d.png", i)), r[0] + i));
      }
    } else {
      long step = depth == 0 ? (long) perFolder * perFolder : perFolder;
      for (long i = 0; i * step < r[1]; i++) {
        out.add(dirStatus(new Path(p, String.format(depth == 0 ? "d%04d" : "e%04d", i))));
      }
    }
    return out.toArray(FileStatus[]::new);
  }

  @Override
  public FileStatus getFileStatus(Path f) throws IOException {
    Path p = makeQualified(f);
    if (depth(p) == 3) {
      long[] r = range(p.getParent());
      long i = index(p, "img-".length());
      if (r[1] > 0 && i < r[1]) {
        return fileStatus(p, r[0] + i);
      }
      throw new FileNotFoundException(f.toString());
    }
    if (range(p)[1] <= 0) {
      throw new FileNotFoundException(f.toString());
    }
    return dirStatus(p);
  }

  private FileStatus fileStatus(Path p, long n) {
    return new FileStatus(100 + n % 900, false, 1, 1 << 20, TIME + n, p);
  }

  private FileStatus dirStatus(Path p) {
    return new FileStatus(0, true, 1, 0, TIME, p);
  }

  @Override
  public FSDataInputStream open(Path f, int bufferSize) throws IOException {
    throw new IOException("synthetic files have no bytes: " + f);
  }

  @Override
  public FSDataOutputStream create(Path f, FsPermission permission, boolean overwrite, int bufferSize,
      short replication, long blockSize, Progressable progress) throws IOException {
    throw new IOException("read-only: " + f);
  }

  @Override
  public FSDataOutputStream append(Path f, int bufferSize, Progressable progress) throws IOException {
    throw new IOException("read-only: " + f);
  }

  @Override
  public boolean rename(Path src, Path dst) throws IOException {
    throw new IOException("read-only: " + src);
  }

  @Override
  public boolean delete(Path f, boolean recursive) throws IOException {
    throw new IOException("read-only: " + f);
  }

  @Override
  public void setWorkingDirectory(Path dir) {}

  @Override
  public Path getWorkingDirectory() {
    return new Path(uri.toString() + "/");
  }

  @Override
  public boolean mkdirs(Path f, FsPermission permission) throws IOException {
    throw new IOException("read-only: " + f);
  }
}
