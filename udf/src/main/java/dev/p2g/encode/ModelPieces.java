package dev.p2g.encode;

import dev.p2g.field.Degradation;
import dev.p2g.field.FieldContract;
import dev.p2g.field.FloatImage;
import dev.p2g.field.GaussianField;

/**
 * Runs the model over one input in pieces of about piece x piece LR pixels, each with a halo of
 * the model's receptive field (clamped at the input's edges), and joins the pieces' fields: the
 * same field as one run, to float rounding, since every anchor of a piece's core sees all the
 * context it would see in the whole input. On a CPU a piece's activations stay in cache where a
 * whole tile's do not (docs/benchmarks.md, "Cache-sized model runs"); on a GPU, where big runs
 * are what keeps the device busy, pieces are off. Independent of --tile, which bounds memory
 * and the stored fields' rows: pieces exist only inside one model run's worth of work.
 */
public final class ModelPieces {
  /** The CPU's piece side, by measurement (docs/benchmarks.md, "Cache-sized model runs"). */
  public static final int CPU_PIECE = 192;

  private final int piece;
  private final int halo;

  /** piece: the core side, in LR pixels (0: no pieces); halo: the model's receptive field. */
  public ModelPieces(int piece, int halo) {
    this.piece = piece;
    this.halo = halo;
  }

  /** Whether an input this size is run in pieces: only when it holds more than one piece. */
  public boolean splits(FloatImage input) {
    return piece > 0 && (input.width() > piece || input.height() > piece);
  }

  public GaussianField encode(ModelSession session, FloatImage input) throws ModelOutputException {
    int w = input.width();
    int h = input.height();
    // cores of even sizes: n pieces of ceil(side / n), never a sliver at the end
    int across = (w + piece - 1) / piece;
    int down = (h + piece - 1) / piece;
    int coreW = (w + across - 1) / across;
    int coreH = (h + down - 1) / down;
    float[] out = null;
    int k = 0;
    Degradation degradation = null;
    for (int y0 = 0; y0 < h; y0 += coreH) {
      for (int x0 = 0; x0 < w; x0 += coreW) {
        int cw = Math.min(coreW, w - x0);
        int ch = Math.min(coreH, h - y0);
        int wx = Math.max(0, x0 - halo);
        int wy = Math.max(0, y0 - halo);
        int ww = Math.min(w, x0 + cw + halo) - wx;
        int wh = Math.min(h, y0 + ch + halo) - wy;
        GaussianField part = session.encode(crop(input, wx, wy, ww, wh)).crop(x0 - wx, y0 - wy, cw, ch);
        if (out == null) {
          k = part.k();
          degradation = part.degradation();
          out = new float[Math.toIntExact((long) FieldContract.PARAMS * k * k * w * h)];
        }
        paste(part, out, w, h, k, x0, y0);
      }
    }
    return new GaussianField(w, h, k, out, degradation);
  }

  /** The field of a core into the planes of the whole input's field (w x h LR pixels, k anchors per pixel per axis). */
  private static void paste(GaussianField part, float[] out, int w, int h, int k, int x0, int y0) {
    int n = k * k * w * h;
    int gw = k * w;
    int pn = part.count();
    int pgw = part.gridWidth();
    float[] p = part.params();
    for (int plane = 0; plane < FieldContract.PARAMS; plane++) {
      for (int b = 0; b < part.gridHeight(); b++) {
        System.arraycopy(p, plane * pn + b * pgw, out, plane * n + (k * y0 + b) * gw + k * x0, pgw);
      }
    }
  }

  /** The planar RGB of rectangle (x, y, cw, ch) of an image. */
  private static FloatImage crop(FloatImage in, int x, int y, int cw, int ch) {
    int w = in.width();
    int plane = w * in.height();
    float[] src = in.data();
    float[] dst = new float[FloatImage.CHANNELS * cw * ch];
    for (int c = 0; c < FloatImage.CHANNELS; c++) {
      for (int r = 0; r < ch; r++) {
        System.arraycopy(src, c * plane + (y + r) * w + x, dst, c * cw * ch + r * cw, cw);
      }
    }
    return new FloatImage(cw, ch, dst);
  }
}
