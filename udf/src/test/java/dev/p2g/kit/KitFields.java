package dev.p2g.kit;

import dev.p2g.encode.AlphaPolicy;
import dev.p2g.encode.FieldEncoder;
import dev.p2g.encode.ImageDecoder;
import dev.p2g.encode.ModelRef;
import dev.p2g.encode.ModelSource;
import dev.p2g.encode.OnnxSessions;
import dev.p2g.field.FieldCodecs;
import dev.p2g.field.FieldRecord;
import dev.p2g.field.GaussianField;
import dev.p2g.field.Q8Codec;
import dev.p2g.io.Device;
import dev.p2g.io.HadoopFiles;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;

/**
 * The sample images' fields for the GPU kit, made here (where Java and ONNX Runtime are) and read
 * there (where neither Spark nor ONNX Runtime is), gzipped: a count, then per field its key, LR size, k
 * and its planes as the q8 codec packs them, as the job stores them by default.
 *   java ... dev.p2g.kit.KitFields sample-data/images build/gpu-kit/fields.bin
 */
public final class KitFields {
  public record Named(String name, GaussianField field) {}

  private KitFields() {}

  public static void main(String[] args) throws Exception {
    Path images = Path.of(args[0]);
    Configuration hadoop = new Configuration();
    byte[] model = ModelSource.read(ModelSource.BUILTIN_DEFAULT, hadoop);
    ModelRef ref = new ModelRef(ModelSource.BUILTIN_DEFAULT, HadoopFiles.sha256Hex(model), Device.CPU, 1);
    FieldEncoder encoder = new FieldEncoder(new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS, AlphaPolicy.DEFAULT),
        OnnxSessions.get(ref, hadoop), FieldCodecs.byName(Q8Codec.NAME), FieldEncoder.DEFAULT_TILE, 1);
    List<Path> files;
    try (Stream<Path> s = Files.walk(images)) {
      files = s.filter(Files::isRegularFile).sorted().toList();
    }
    try (DataOutputStream out = new DataOutputStream(new java.util.zip.GZIPOutputStream(
        Files.newOutputStream(Path.of(args[1]))))) {
      out.writeInt(files.size());
      for (Path f : files) {
        FieldRecord r = encoder.start(f.getFileName().toString(), f.toUri().toString(), Files.readAllBytes(f)).next();
        out.writeUTF(r.key());
        out.writeInt(r.width());
        out.writeInt(r.height());
        out.writeInt(r.k());
        out.writeInt(r.params().length);
        out.write(r.params());
      }
    }
    System.out.println("kit: " + files.size() + " sample fields written to " + args[1]);
  }

  public static List<Named> read(Path file) throws IOException {
    List<Named> out = new ArrayList<>();
    try (DataInputStream in = new DataInputStream(new java.util.zip.GZIPInputStream(Files.newInputStream(file)))) {
      int n = in.readInt();
      for (int i = 0; i < n; i++) {
        String key = in.readUTF();
        int w = in.readInt();
        int h = in.readInt();
        int k = in.readInt();
        byte[] params = new byte[in.readInt()];
        in.readFully(params);
        out.add(new Named(key, new Q8Codec().decode(params, w, h, k)));
      }
    }
    return out;
  }
}
