package dev.p2g.job.serve;

import dev.p2g.field.FieldCodec;
import dev.p2g.field.FieldCodecs;
import dev.p2g.field.FieldRecord;
import dev.p2g.field.GaussianField;
import dev.p2g.io.Device;
import dev.p2g.job.SparkTestSession;
import dev.p2g.render.RandomFields;
import dev.p2g.tables.FieldRow;
import dev.p2g.tables.FieldTable;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;

/**
 * A fields/ table for the server's tests, written as the job writes it (FieldTable rows through
 * Spark): a whole image, an image stored as 7 x 7 tiles, and a key that needs percent-encoding.
 * Their fields are random (RandomFields), kept here for the reference renders.
 */
public final class ServedFields {
  static final String PLAIN = "plain";
  static final String TILED = "tiled/one";
  static final String ODD = "a b/ü#?%.png";
  static final int TILE = 7;

  public final String uri;
  final GaussianField plain = RandomFields.random(40, 30, 2, 41);
  final GaussianField tiled = RandomFields.random(29, 23, 2, 43);
  final GaussianField odd = RandomFields.random(12, 9, 1, 47);
  private final HttpClient client = HttpClient.newHttpClient();

  public ServedFields(Path dir) {
    uri = dir.resolve("fields").toUri().toString();
    FieldCodec codec = FieldCodecs.byName("f32");
    List<Row> rows = new ArrayList<>();
    rows.add(row(codec, PLAIN, plain, 0, 0, plain));
    rows.add(row(codec, ODD, odd, 0, 0, odd));
    for (int y = 0; y < tiled.height(); y += TILE) {
      for (int x = 0; x < tiled.width(); x += TILE) {
        GaussianField t = tiled.crop(x, y, Math.min(TILE, tiled.width() - x), Math.min(TILE, tiled.height() - y));
        rows.add(row(codec, TILED, tiled, x, y, t));
      }
    }
    SparkTestSession.get().createDataFrame(rows, FieldTable.SCHEMA).repartition(2).write().parquet(uri);
  }

  private static Row row(FieldCodec codec, String key, GaussianField whole, int x, int y, GaussianField tile) {
    return FieldTable.toRow(new FieldRow(new FieldRecord(key, "file:/" + key, "sha", "model", whole.width(),
        whole.height(), x, y, tile.width(), tile.height(), tile.k(), codec.name(), "none", null, tile.reach(),
        codec.encode(tile)), null, new Timestamp(1_000), Device.CPU, null));
  }

  /** The (whole) field of a key of this table. */
  GaussianField field(String key) {
    return switch (key) {
      case PLAIN -> plain;
      case TILED -> tiled;
      case ODD -> odd;
      default -> throw new IllegalArgumentException("no field " + key);
    };
  }

  /** Options for a server over this table on a free loopback port. */
  public ServeOptions options(int threads, int queue, long cacheBytes) {
    return new ServeOptions(uri, "127.0.0.1", 0, threads, queue, cacheBytes, 4096L * 4096, 8, 0, Map.of());
  }

  public ServeCommand.Running start(ServeOptions options) throws IOException {
    return ServeCommand.start(options, System.out, System.err);
  }

  /** GET (or another method) of path on the server; the response's bytes. */
  HttpResponse<byte[]> get(ServeCommand.Running server, String method, String path) throws IOException {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.server().port() + path))
        .method(method, HttpRequest.BodyPublishers.noBody()).build();
    try {
      return client.send(request, HttpResponse.BodyHandlers.ofByteArray());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  public HttpResponse<byte[]> get(ServeCommand.Running server, String path) throws IOException {
    return get(server, "GET", path);
  }

  static String text(HttpResponse<byte[]> r) {
    return new String(r.body(), java.nio.charset.StandardCharsets.UTF_8);
  }

  /** A row sink's rows, as one RGB byte array. */
  static final class Rows extends ByteArrayOutputStream {
    void row(byte[] rgb) {
      write(rgb, 0, rgb.length);
    }
  }
}
