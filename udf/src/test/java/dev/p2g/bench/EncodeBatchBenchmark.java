package dev.p2g.bench;

import dev.p2g.encode.ModelInfo;
import dev.p2g.encode.ModelRef;
import dev.p2g.encode.ModelSession;
import dev.p2g.encode.ModelSource;
import dev.p2g.encode.OnnxSessions;
import dev.p2g.field.FloatImage;
import dev.p2g.io.Device;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.apache.hadoop.conf.Configuration;

/**
 * The default model on CPU, one intra-op thread: milliseconds per image when same-sized inputs
 * go through ONNX Runtime one per run or N per run (the contract's batch dimension), for the
 * model inputs that tiles of 32 to 512 pixels make (the tile plus the receptive-field halo each side, 12 pixels for p2g-dgp-v1).
 * The one-per-run time, measured in the same run, is the baseline of each ratio.
 *
 * <pre>bin/bench dev.p2g.bench.EncodeBatchBenchmark [seconds per case, default 4]</pre>
 */
public final class EncodeBatchBenchmark {
  private static final int HALO = 12;
  private static final int[] TILES = {32, 64, 128, 256, 512};
  private static final int[] BATCHES = {1, 4, 8};

  private EncodeBatchBenchmark() {}

  public static void main(String[] args) throws Exception {
    double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 4.0;
    ModelInfo info = OnnxSessions.inspect(ModelSource.BUILTIN_DEFAULT, Device.CPU, 1, new Configuration());
    ModelSession session = OnnxSessions.get(new ModelRef(ModelSource.BUILTIN_DEFAULT, info.id(), Device.CPU, 1),
        new Configuration());
    System.out.printf(Locale.ROOT, "encode batch benchmark: %s on cpu, 1 intra-op thread, %.0f s per case%n",
        info.name(), seconds);
    System.out.println("| tile | model input | N per run | ms per image | vs N = 1 |");
    System.out.println("|---|---|---|---|---|");
    for (int tile : TILES) {
      int side = tile + 2 * HALO;
      double single = 0;
      for (int n : BATCHES) {
        List<FloatImage> batch = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          batch.add(noise(side, side, i));
        }
        double ms = BenchClock.msPerCall(() -> session.encodeAll(batch), seconds) / n;
        if (n == 1) {
          single = ms;
        }
        System.out.printf(Locale.ROOT, "| %d | %dx%d | %d | %.2f | %.2f |%n", tile, side, side, n, ms, ms / single);
      }
    }
  }


  private static FloatImage noise(int w, int h, long seed) {
    FloatImage img = FloatImage.blank(w, h);
    Random r = new Random(seed);
    float[] d = img.data();
    for (int i = 0; i < d.length; i++) {
      d[i] = r.nextFloat();
    }
    return img;
  }
}
