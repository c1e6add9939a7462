package dev.p2g.render;

import java.io.Serializable;
import java.math.BigDecimal;

/**
 * A target scale: any positive real per axis. Written canonically ("2", "2.5", "0.5", "2x3")
 * because the canonical form names the pyramid folder x{S}.
 */
public record Scale(double x, double y) implements Serializable {
  public Scale {
    if (!(x > 0) || !(y > 0) || Double.isInfinite(x) || Double.isInfinite(y)) {
      throw new IllegalArgumentException("a scale must be a positive finite number, got " + x + "x" + y);
    }
  }

  public static Scale of(double s) {
    return new Scale(s, s);
  }

  /** Parses "2", "2.5", "0.5" or "2x3" (x then y). */
  public static Scale parse(String text) {
    String t = text.trim().toLowerCase(java.util.Locale.ROOT);
    if (t.startsWith("x")) {
      t = t.substring(1);
    }
    int sep = t.indexOf('x');
    try {
      if (sep < 0) {
        return of(Double.parseDouble(t));
      }
      return new Scale(Double.parseDouble(t.substring(0, sep)), Double.parseDouble(t.substring(sep + 1)));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a scale: '" + text + "' (expected e.g. 2, 2.5, 0.5 or 2x3)");
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("not a scale: '" + text + "': " + e.getMessage());
    }
  }

  public boolean isotropic() {
    return x == y;
  }

  public String canonical() {
    return isotropic() ? plain(x) : plain(x) + "x" + plain(y);
  }

  /** The pyramid level folder name, x{S}. */
  public String level() {
    return "x" + canonical();
  }

  /** W' = max(1, floor(W * s + 1/2)): round half up, as DESIGN.md fixes it. */
  public static int outputSize(int size, double scale) {
    return (int) Math.max(1, Math.floor(size * scale + 0.5));
  }

  public int outputWidth(int width) {
    return outputSize(width, x);
  }

  public int outputHeight(int height) {
    return outputSize(height, y);
  }

  private static String plain(double v) {
    return BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
  }

  @Override
  public String toString() {
    return canonical();
  }
}
