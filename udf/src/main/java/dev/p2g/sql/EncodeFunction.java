package dev.p2g.sql;

import dev.p2g.devices.TaskEncoders;
import dev.p2g.encode.AlphaPolicy;
import dev.p2g.encode.FieldEncoder;
import dev.p2g.encode.ImageDecoder;
import dev.p2g.encode.ModelLoadException;
import dev.p2g.encode.ModelRef;
import dev.p2g.encode.ModelSession;
import dev.p2g.encode.ModelSource;
import dev.p2g.field.FieldCodecs;
import dev.p2g.field.ImageFailure;
import dev.p2g.io.Device;
import dev.p2g.io.HadoopFiles;
import dev.p2g.render.DevicePolicy;
import dev.p2g.tables.FieldRow;
import dev.p2g.tables.FieldTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Timestamp;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;

/**
 * p2g_encode: image bytes to one field row, as the job encodes an image (default alpha policy,
 * q8 codec, the device policy auto), through the executor's shared ONNX session. The row's key is
 * the bytes' SHA-256 (the function sees no file name) and its source_uri is empty.
 */
final class EncodeFunction {
  /** Model URI to its ref (the file's hash is its id): read and hashed once per executor JVM. */
  private static final Map<String, ModelRef> MODELS = new ConcurrentHashMap<>();

  private EncodeFunction() {}

  static Row encode(String function, byte[] content, String model, Configuration hadoop) {
    if (content == null) {
      throw new IllegalArgumentException(function + ": the image bytes are null");
    }
    String uri = model == null ? ModelSource.BUILTIN_DEFAULT : model;
    try {
      ModelSession session = TaskEncoders.session(ref(function, uri, hadoop), DevicePolicy.AUTO, hadoop);
      FieldEncoder encoder = new FieldEncoder(new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS, AlphaPolicy.DEFAULT),
          session, FieldCodecs.byName(FieldCodecs.DEFAULT), FieldEncoder.DEFAULT_TILE, 1);
      String sha = HadoopFiles.sha256Hex(content);
      FieldEncoder.Tiles tiles = encoder.start(sha, "", content);
      if (!tiles.whole()) {
        throw new IllegalArgumentException(function + ": the image is larger than one tile ("
            + FieldEncoder.DEFAULT_TILE + " pixels a side) and would be stored as " + tiles.tiles()
            + " tile rows; encode it with the encode command (p2g encode --input ... --fields ...)");
      }
      return FieldTable.toRow(new FieldRow(tiles.next(), null, new Timestamp(System.currentTimeMillis()), encoder.device(), null));
    } catch (ImageFailure e) {
      throw new IllegalArgumentException(function + ": " + e.errorClass() + ": " + e.getMessage(), e);
    } catch (ModelLoadException e) {
      throw new IllegalStateException(function + ": " + e.getMessage(), e);
    }
  }

  private static ModelRef ref(String function, String uri, Configuration hadoop) {
    return MODELS.computeIfAbsent(uri, u -> {
      try {
        return new ModelRef(u, HadoopFiles.sha256Hex(ModelSource.read(u, hadoop)), Device.CPU, 1);
      } catch (IOException e) {
        throw new UncheckedIOException(function + ": cannot read the model " + u + ": " + e.getMessage(), e);
      }
    });
  }
}
