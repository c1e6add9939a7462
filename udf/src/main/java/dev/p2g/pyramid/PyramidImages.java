package dev.p2g.pyramid;

import dev.p2g.io.HadoopFiles;
import dev.p2g.io.TarShards;
import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.filter2.compat.FilterCompat;
import org.apache.parquet.filter2.predicate.FilterApi;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.io.api.Binary;

/**
 * Reads one image back where a manifest row says it is, in any layout: the file itself, a tar
 * member (TarShards: headers are read and members skipped by seeking, not read), or a Parquet row (found by
 * key, whose page statistics let the reader skip other rows' pages). For the few images a report
 * shows, not for bulk reading: readers of the whole pyramid use tar or Parquet readers.
 */
public final class PyramidImages {
  private PyramidImages() {}

  public static byte[] read(String path, String key, String member, Long rowIndex, Configuration hadoop,
      long maxBytes) throws IOException {
    if (member != null) {
      return tarMember(path, member, hadoop, maxBytes);
    }
    if (rowIndex != null) {
      return parquetRow(path, key, hadoop, maxBytes);
    }
    return HadoopFiles.read(path, hadoop, maxBytes);
  }

  private static byte[] tarMember(String path, String member, Configuration hadoop, long maxBytes)
      throws IOException {
    Path p = new Path(path);
    byte[] bytes = TarShards.find(p.getFileSystem(hadoop), p, member, maxBytes);
    if (bytes == null) {
      throw new IOException("no member " + member + " in " + path);
    }
    return bytes;
  }

  private static byte[] parquetRow(String path, String key, Configuration hadoop, long maxBytes)
      throws IOException {
    FilterCompat.Filter onlyKey = FilterCompat.get(FilterApi.eq(FilterApi.binaryColumn("key"),
        Binary.fromString(key)));
    try (ParquetReader<Group> reader = ParquetReader.builder(new GroupReadSupport(), new Path(path))
        .withConf(hadoop).withFilter(onlyKey).build()) {
      for (Group g = reader.read(); g != null; g = reader.read()) {
        if (key.equals(g.getString("key", 0))) {
          Binary image = g.getBinary("image", 0);
          if (image.length() > maxBytes) {
            throw new IOException(key + " in " + path + " is " + image.length() + " bytes, over " + maxBytes);
          }
          return image.getBytes();
        }
      }
    }
    throw new IOException("no row of " + key + " in " + path);
  }
}
