package dev.p2g.render;

/**
 * The separable filters of image libraries' resize (Pillow's, libvips' and ImageMagick's agree on
 * these definitions), in units of the input pixel grid; on a reduction the library stretches the
 * kernel by in/out (AxisWeights), so that it low-passes at the output's Nyquist frequency.
 * LANCZOS3 (a little wider) is what pyramid levels below scale 1 are made with (docs/design.md,
 * "Downscales");
 * BOX and BICUBIC are the baselines the quality benchmark and the run report compare against.
 */
public enum ResampleFilter {
  /** Pixel-area average on integer reductions. */
  BOX(0.5),
  /** Keys' cubic with a = -0.5, as Pillow's BICUBIC. */
  BICUBIC(2),
  /** sinc(t) sinc(t / 3) windowed to |t| < 3. */
  LANCZOS3(3);

  private final double support;

  ResampleFilter(double support) {
    this.support = support;
  }

  /** Half-width of the kernel, in input pixels before stretching. */
  public double support() {
    return support;
  }

  /** The kernel at t input pixels from the output sample, before normalisation. */
  public double weight(double t) {
    switch (this) {
      case BOX:
        return t > -0.5 && t <= 0.5 ? 1 : 0;
      case BICUBIC: {
        double a = -0.5;
        double x = Math.abs(t);
        if (x < 1) {
          return ((a + 2) * x - (a + 3)) * x * x + 1;
        }
        return x < 2 ? (((x - 5) * x + 8) * x - 4) * a : 0;
      }
      default:
        if (t == 0) {
          return 1;
        }
        if (t <= -support || t >= support) {
          return 0;
        }
        double pt = Math.PI * t;
        return support * Math.sin(pt) * Math.sin(pt / support) / (pt * pt);
    }
  }
}
