package dev.p2g.render;

import java.util.Arrays;

/**
 * A separable resize of an interleaved RGB image that takes its input a row at a time, top to
 * bottom, and gives each output row as soon as the input rows it needs have come: each input row
 * is resized across at once, and only the last few (the vertical kernel's rows) are kept. A
 * render that streams bands can therefore reduce its samples without ever holding them whole.
 * A renderer's samples are sums that the field equation clamps to [0, 1] before they are reduced
 * (clampInputs); outputs are not clamped (the consumer quantises or clamps them).
 */
public final class RowResampler {
  /** Takes output rows, top to bottom: 3 * width interleaved floats, valid during the call. */
  public interface Rows {
    void row(int v, float[] rgb);
  }

  private static final int C = 3;

  private final AxisWeights across;
  private final AxisWeights down;
  private final Rows sink;
  private final boolean clampInputs;
  private final float[] clamped;
  private final float[][] ring;
  private final float[] outRow;
  private int received;
  private int emitted;

  public RowResampler(AxisWeights across, AxisWeights down, boolean clampInputs, Rows sink) {
    this.across = across;
    this.down = down;
    this.sink = sink;
    this.clampInputs = clampInputs;
    this.clamped = new float[C * across.in()];
    this.ring = new float[down.maxCount()][C * across.out()];
    this.outRow = new float[C * across.out()];
  }

  /** Input row number received(), 3 * in interleaved floats from offset. */
  public void push(float[] data, int offset) {
    if (received >= down.in()) {
      throw new IllegalStateException("all " + down.in() + " input rows were already given");
    }
    if (clampInputs) {
      for (int i = 0; i < clamped.length; i++) {
        clamped[i] = Math.min(1f, Math.max(0f, data[offset + i]));
      }
    } else {
      System.arraycopy(data, offset, clamped, 0, clamped.length);
    }
    resizeAcross(ring[received % ring.length]);
    received++;
    while (emitted < down.out() && down.first(emitted) + down.count(emitted) <= received) {
      emitRow(emitted++);
    }
  }

  private void resizeAcross(float[] to) {
    if (across.isIdentity()) {
      System.arraycopy(clamped, 0, to, 0, clamped.length);
      return;
    }
    for (int u = 0, o = 0; u < across.out(); u++, o += C) {
      int first = across.first(u);
      int n = across.count(u);
      float r = 0;
      float g = 0;
      float b = 0;
      for (int t = 0, i = C * first; t < n; t++, i += C) {
        float w = across.weight(u, t);
        r += w * clamped[i];
        g += w * clamped[i + 1];
        b += w * clamped[i + 2];
      }
      to[o] = r;
      to[o + 1] = g;
      to[o + 2] = b;
    }
  }

  private void emitRow(int v) {
    int first = down.first(v);
    int n = down.count(v);
    if (n == 1 && down.weight(v, 0) == 1f) {
      sink.row(v, ring[first % ring.length]);
      return;
    }
    Arrays.fill(outRow, 0f);
    for (int t = 0; t < n; t++) {
      float w = down.weight(v, t);
      float[] in = ring[(first + t) % ring.length];
      for (int i = 0; i < outRow.length; i++) {
        outRow[i] += w * in[i];
      }
    }
    sink.row(v, outRow);
  }
}
