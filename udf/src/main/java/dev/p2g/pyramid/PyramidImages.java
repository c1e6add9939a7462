package dev.p2g.pyramid;

import dev.p2g.io.HadoopFiles;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.filter2.compat.FilterCompat;
import org.apache.parquet.filter2.predicate.FilterApi;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.io.api.Binary;

/**
 * Reads one image back where a manifest row says it is, in any layout: the file itself, a tar
 * member (headers are read and members skipped by seeking, not read), or a Parquet row (found by
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
    try (FSDataInputStream in = p.getFileSystem(hadoop).open(p)) {
      byte[] header = new byte[TarWriter.BLOCK];
      String paxPath = null;
      while (true) {
        try {
          in.readFully(header);
        } catch (EOFException e) {
          break;
        }
        if (header[0] == 0) {
          break; // the zero blocks that end the archive
        }
        long size = Long.parseLong(field(header, 124, 12).trim(), 8);
        char type = (char) header[156];
        String name = paxPath != null ? paxPath : field(header, 0, 100);
        paxPath = null;
        long padded = (size + TarWriter.BLOCK - 1) / TarWriter.BLOCK * TarWriter.BLOCK;
        if (type == 'x') {
          byte[] records = new byte[(int) size];
          in.readFully(records);
          paxPath = paxValue(new String(records, StandardCharsets.UTF_8), "path");
          in.seek(in.getPos() + padded - size);
        } else if (name.equals(member)) {
          if (size > maxBytes) {
            throw new IOException(member + " in " + path + " is " + size + " bytes, over " + maxBytes);
          }
          byte[] bytes = new byte[(int) size];
          in.readFully(bytes);
          return bytes;
        } else {
          in.seek(in.getPos() + padded);
        }
      }
    }
    throw new IOException("no member " + member + " in " + path);
  }

  private static String field(byte[] header, int at, int length) {
    int end = at;
    while (end < at + length && header[end] != 0) {
      end++;
    }
    return new String(header, at, end - at, StandardCharsets.UTF_8);
  }

  /** A PAX record's value ("LEN key=value\n" records), or null. */
  private static String paxValue(String records, String key) {
    for (String record : records.split("\n")) {
      int space = record.indexOf(' ');
      if (space > 0 && record.startsWith(key + "=", space + 1)) {
        return record.substring(space + 2 + key.length());
      }
    }
    return null;
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
