package dev.p2g.render;

/**
 * exp(x) in double for |x| <= 700, within 1e-13 relative, without Math.exp's special cases: the
 * CPU renderer's recurrence takes six a Gaussian. x = (n / 64) ln 2 + f with |f| <= ln 2 / 128;
 * exp(x) = 2^(n / 64) exp(f), 2^(j / 64) from a table of 64 and exp(f) by its Taylor series to
 * f^4 (f^5 / 5! < 4e-14).
 */
final class FastExp {
  private static final double N_PER_X = 64 / Math.log(2);
  /** ln 2 in two parts (fdlibm's): the high part's low bits are zero, so n / 64 times it is exact. */
  private static final double LN2_HI = 6.93147180369123816490e-01;
  private static final double LN2_LO = 1.90821492927058770002e-10;
  /** Adding it rounds a double below 2^51 to an integer held in the low bits of its mantissa. */
  private static final double SHIFT = 0x1.8p52;
  private static final long[] TWO_TO_J64 = new long[64];

  static {
    for (int j = 0; j < 64; j++) {
      TWO_TO_J64[j] = Double.doubleToRawLongBits(Math.pow(2, j / 64.0));
    }
  }

  private FastExp() {}

  static double exp(double x) {
    double shifted = x * N_PER_X + SHIFT;
    long n = Double.doubleToRawLongBits(shifted);
    double n64 = (shifted - SHIFT) * (1.0 / 64);
    double f = Math.fma(-n64, LN2_LO, Math.fma(-n64, LN2_HI, x));
    double p = Math.fma(f, Math.fma(f, Math.fma(f, Math.fma(f, 1.0 / 24, 1.0 / 6), 0.5), 1), 1);
    // the low bits of n are a two's complement integer: n >> 6 is its power of two
    return Double.longBitsToDouble(TWO_TO_J64[(int) n & 63] + ((n << 13 >> 19) << 52)) * p;
  }
}
