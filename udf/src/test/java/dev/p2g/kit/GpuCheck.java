package dev.p2g.kit;

import dev.p2g.field.FloatImage;
import dev.p2g.field.GaussianField;
import dev.p2g.render.CpuRenderer;
import dev.p2g.render.ImageEncoding;
import dev.p2g.render.RandomFields;
import dev.p2g.render.Scale;
import dev.p2g.render.StripRender;
import dev.p2g.render.TileRender;
import dev.p2g.render.TiledRender;
import dev.p2g.render.cuda.CudaDevices;
import dev.p2g.render.cuda.CudaRenderer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The GPU kit's check: the CUDA renderer against the CPU renderer on the samples' fields and
 * random fields at several scales, from one thread and from 8 threads sharing the GPU; kernel,
 * upload and download times from CUDA events; batches of small fields per second. Where CUDA
 * cannot start it says so and times the CPU renderer alone. Writes one markdown table; exits 1
 * when a difference is over its bound (float 1e-5, 8-bit one level), 0 otherwise.
 *   java -cp 'lib/*' dev.p2g.kit.GpuCheck fields.bin OUT.md
 */
public final class GpuCheck {
  private static final List<Scale> SCALES = List.of(Scale.of(0.5), Scale.of(1), Scale.of(2), Scale.of(3.7),
      Scale.of(4), new Scale(2, 3));
  private static final double FLOAT_BOUND = 1e-5;
  private static final int BYTE_BOUND = 1;
  private static final int THREADS = 8;
  private static final int TIMED_RUNS = 20;

  private final StringBuilder report = new StringBuilder();
  private boolean failed;

  private GpuCheck() {}

  public static void main(String[] args) throws Exception {
    List<KitFields.Named> cases = new ArrayList<>(KitFields.read(Path.of(args[0])));
    cases.add(new KitFields.Named("random k=1 77x53", RandomFields.random(77, 53, 1, 1)));
    cases.add(new KitFields.Named("random k=2 64x64", RandomFields.random(64, 64, 2, 2)));
    GaussianField big = RandomFields.random(512, 512, 2, 3);
    cases.add(new KitFields.Named("random k=2 512x512", big));
    GpuCheck check = new GpuCheck();
    check.run(cases, big);
    Files.writeString(Path.of(args[1]), check.report);
    System.out.print(check.report);
    System.exit(check.failed ? 1 : 0);
  }

  private void run(List<KitFields.Named> cases, GaussianField big) throws Exception {
    Optional<String> problem = CudaDevices.problem(0);
    line("# p2g GPU kit: " + (problem.isPresent() ? "CUDA skipped: " + problem.get() : "CUDA on GPU 0"));
    line("java " + System.getProperty("java.version") + ", " + Runtime.getRuntime().availableProcessors() + " CPUs");
    line("");
    line("| case | scale | output | CPU ms | GPU kernel ms | max float diff | max 8-bit diff | verdict |");
    line("|---|---|---|---:|---:|---:|---:|---|");
    CudaRenderer gpu = problem.isPresent() ? null : new CudaRenderer(0);
    CpuRenderer cpu = new CpuRenderer();
    for (KitFields.Named c : cases) {
      for (Scale s : SCALES) {
        long t0 = System.nanoTime();
        FloatImage want = cpu.render(c.field(), s);
        double cpuMs = (System.nanoTime() - t0) / 1e6;
        String size = want.width() + "x" + want.height();
        if (gpu == null) {
          line(String.format("| %s | %s | %s | %.1f | skipped | | | |", c.name(), s, size, cpuMs));
          continue;
        }
        FloatImage got = gpu.render(c.field(), s);
        double[] d = diff(want, got);
        line(String.format("| %s | %s | %s | %.1f | %.3f | %.2e | %d | %s |", c.name(), s, size, cpuMs,
            gpu.lastTimings().kernelMs(), d[0], (int) d[1], verdict(d)));
      }
    }
    tiledBands(cpu, gpu);
    if (gpu != null) {
      threads(cases);
      timings(gpu, big);
      batches(gpu);
      batchSizes(gpu);
      gpu.close();
    } else {
      line("");
      line("8 threads, kernel timings and batches: skipped (no CUDA here).");
    }
  }

  /**
   * A tiled image (600x560 LR, k = 2, tiles of 256) through the job's two tiled paths: TiledRender
   * on the CPU, StripRender on the GPU in chunks of at most 1 M samples, compared as 8-bit rows.
   */
  private void tiledBands(CpuRenderer cpu, CudaRenderer gpu) throws Exception {
    GaussianField whole = RandomFields.random(600, 560, 2, 4);
    int tile = 256;
    double reach = 0;
    List<TiledRender.Tile> tiles = new ArrayList<>();
    for (int y = 0; y < whole.height(); y += tile) {
      for (int x = 0; x < whole.width(); x += tile) {
        GaussianField t = whole.crop(x, y, Math.min(tile, whole.width() - x), Math.min(tile, whole.height() - y));
        reach = Math.max(reach, t.reach());
        tiles.add(new TiledRender.Tile(t, x, y));
      }
    }
    for (Scale s : SCALES) {
      int w = s.outputWidth(whole.width());
      int h = s.outputHeight(whole.height());
      Rows want = new Rows(w, h);
      long t0 = System.nanoTime();
      feed(new TiledRender(cpu, whole.width(), whole.height(), s, reach, tile, want), tiles);
      double cpuMs = (System.nanoTime() - t0) / 1e6;
      String name = "tiled 600x560 k=2, tiles of 256";
      if (gpu == null) {
        line(String.format("| %s | %s | %dx%d | %.1f | skipped | | | |", name, s, w, h, cpuMs));
        continue;
      }
      Rows got = new Rows(w, h);
      long t1 = System.nanoTime();
      feed(new StripRender(gpu, whole.width(), whole.height(), s, reach, 1 << 20, got), tiles);
      double gpuMs = (System.nanoTime() - t1) / 1e6;
      int worst = 0;
      for (int i = 0; i < want.rgb.length; i++) {
        worst = Math.max(worst, Math.abs((want.rgb[i] & 0xff) - (got.rgb[i] & 0xff)));
      }
      double[] d = {0, worst};
      line(String.format("| %s (GPU column: whole StripRender, ms) | %s | %dx%d | %.1f | %.1f | | %d | %s |", name, s,
          w, h, cpuMs, gpuMs, worst, verdict(d)));
    }
  }

  private static void feed(TileRender render, List<TiledRender.Tile> tiles) throws java.io.IOException {
    for (TiledRender.Tile t : tiles) {
      render.add(t);
    }
    render.finish();
  }

  /** Collects a tiled render's rows as one 8-bit RGB image. */
  private static final class Rows implements TiledRender.RowSink {
    final byte[] rgb;
    private int at;

    Rows(int width, int height) {
      rgb = new byte[3 * width * height];
    }

    @Override
    public void row(byte[] row) {
      System.arraycopy(row, 0, rgb, at, row.length);
      at += row.length;
    }
  }

  /** 8 threads, each with its own renderer on GPU 0, all cases at every scale. */
  private void threads(List<KitFields.Named> cases) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    List<Future<double[]>> results = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      results.add(pool.submit(() -> {
        double[] worst = {0, 0};
        try (CudaRenderer r = new CudaRenderer(0)) {
          CpuRenderer cpu = new CpuRenderer();
          for (KitFields.Named c : cases) {
            for (Scale s : SCALES) {
              double[] d = diff(cpu.render(c.field(), s), r.render(c.field(), s));
              worst[0] = Math.max(worst[0], d[0]);
              worst[1] = Math.max(worst[1], d[1]);
            }
          }
        }
        return worst;
      }));
    }
    double[] worst = {0, 0};
    for (Future<double[]> f : results) {
      double[] d = f.get();
      worst[0] = Math.max(worst[0], d[0]);
      worst[1] = Math.max(worst[1], d[1]);
    }
    pool.shutdown();
    line(String.format("| %d threads sharing GPU 0, every case | all | | | | %.2e | %d | %s |", THREADS, worst[0],
        (int) worst[1], verdict(worst)));
  }

  /** The 512x512-LR field at x4, best of 20: the kernel time the design targets (0.2 ms). */
  private void timings(CudaRenderer gpu, GaussianField big) {
    double kernel = Double.MAX_VALUE;
    double up = 0;
    double down = 0;
    for (int i = 0; i < TIMED_RUNS; i++) {
      gpu.render(big, Scale.of(4));
      CudaRenderer.Timings t = gpu.lastTimings();
      if (t.kernelMs() < kernel) {
        kernel = t.kernelMs();
        up = t.uploadMs();
        down = t.downloadMs();
      }
    }
    line("");
    line(String.format("512x512 LR (k=2) at x4, 2048x2048 out, best of %d: kernels %.3f ms (target <= 0.2),"
        + " upload %.3f ms, download %.3f ms", TIMED_RUNS, kernel, up, down));
  }

  /** 256 small fields (64x64, k=2) at x2, 32 a batch: fields per second, transfers included. */
  private void batches(CudaRenderer gpu) {
    List<GaussianField> fields = new ArrayList<>();
    for (int i = 0; i < 256; i++) {
      fields.add(RandomFields.random(64, 64, 2, 100 + i));
    }
    double best = Double.MAX_VALUE;
    double kernels = 0;
    for (int round = 0; round < 5; round++) {
      long t0 = System.nanoTime();
      double k = 0;
      for (int i = 0; i < fields.size(); i += 32) {
        gpu.renderAll(fields.subList(i, i + 32), Scale.of(2));
        k += gpu.lastTimings().kernelMs();
      }
      double s = (System.nanoTime() - t0) / 1e9;
      if (s < best) {
        best = s;
        kernels = k;
      }
    }
    long c0 = System.nanoTime();
    CpuRenderer cpu = new CpuRenderer();
    for (GaussianField f : fields.subList(0, 32)) {
      cpu.render(f, Scale.of(2));
    }
    double cpuPerSecond = 32 / ((System.nanoTime() - c0) / 1e9);
    line(String.format("256 fields 64x64 (k=2) at x2 in batches of 32: %.0f fields/s on the GPU (wall, transfers"
        + " and Java included; kernels %.2f ms in all), %.0f fields/s on one CPU thread", 256 / best, kernels,
        cpuPerSecond));
  }

  /**
   * Output megapixels per second against the batch's output size, to size the render batch cap
   * (RenderPartition: 32 M output pixels today, 384 MB of float RGB on the host and the GPU):
   * the smallest batch that reaches the plateau is the cap to choose.
   */
  private void batchSizes(CudaRenderer gpu) {
    line("");
    line("| batch output (M pixels) | fields of 256x256 at x2 | wall ms | kernel ms | output MP/s (wall) |");
    line("|---:|---:|---:|---:|---:|");
    for (int mp : new int[] {1, 2, 4, 8, 16, 32}) {
      int n = mp * (1 << 20) / (512 * 512);
      List<GaussianField> fields = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        fields.add(RandomFields.random(256, 256, 2, 1000 + i));
      }
      double best = Double.MAX_VALUE;
      double kernel = 0;
      for (int round = 0; round < 5; round++) {
        long t0 = System.nanoTime();
        gpu.renderAll(fields, Scale.of(2));
        double ms = (System.nanoTime() - t0) / 1e6;
        if (ms < best) {
          best = ms;
          kernel = gpu.lastTimings().kernelMs();
        }
      }
      line(String.format("| %d | %d | %.1f | %.2f | %.0f |", mp, n, best, kernel, n * 512.0 * 512 / best / 1e3));
    }
  }

  /** Worst float difference and worst 8-bit difference. */
  private static double[] diff(FloatImage a, FloatImage b) {
    if (a.width() != b.width() || a.height() != b.height()) {
      return new double[] {Double.POSITIVE_INFINITY, 255};
    }
    double worst = 0;
    int worstByte = 0;
    float[] x = a.data();
    float[] y = b.data();
    for (int i = 0; i < x.length; i++) {
      worst = Math.max(worst, Math.abs(x[i] - y[i]));
      worstByte = Math.max(worstByte, Math.abs(ImageEncoding.quantize(x[i]) - ImageEncoding.quantize(y[i])));
    }
    return new double[] {worst, worstByte};
  }

  private String verdict(double[] d) {
    boolean ok = d[0] <= FLOAT_BOUND && d[1] <= BYTE_BOUND;
    failed |= !ok;
    return ok ? "ok" : "OVER BOUND";
  }

  private void line(String text) {
    report.append(text).append('\n');
  }
}
