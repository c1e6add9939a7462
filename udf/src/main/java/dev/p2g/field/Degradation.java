package dev.p2g.field;

import java.io.Serializable;
import java.util.Locale;

/**
 * How a model's training made its LR inputs from the images it learnt to draw (ONNX metadata
 * degradation.filter, degradation.min_scale, degradation.max_scale; the fields/ column
 * degradation as "bicubic:2-4"). Such a model's field at scale 1 is the sharp image the source
 * was taken from, not the source; levels at and below scale 1 therefore start from the field
 * rendered at renderScale() and reduced the way training reduced (docs/design.md, "Scale 1 and
 * downscales"). A model without one (the analytic model: it interpolates its samples) has none,
 * and its scale 1 is its point samples.
 */
public record Degradation(String filter, double minScale, double maxScale) implements Serializable {
  /** Pillow's antialiased bicubic reduction (Keys' cubic, a = -0.5), the only one the renderers undo. */
  public static final String BICUBIC = "bicubic";

  public Degradation {
    if (!BICUBIC.equals(filter)) {
      throw new IllegalArgumentException("degradation filter '" + filter + "' is not one this job renders ("
          + BICUBIC + ")");
    }
    if (!(minScale >= 1) || !(maxScale >= minScale) || Double.isInfinite(maxScale)) {
      throw new IllegalArgumentException("degradation scales " + minScale + " to " + maxScale
          + ": need 1 <= min <= max");
    }
  }

  /** The column's text ("bicubic:2-4"), or null for null. */
  public static String format(Degradation d) {
    return d == null ? null : d.filter + ":" + number(d.minScale) + "-" + number(d.maxScale);
  }

  /** The column's text back (null: none); a malformed one is an IllegalArgumentException. */
  public static Degradation parse(String text) {
    if (text == null) {
      return null;
    }
    int colon = text.indexOf(':');
    int dash = text.indexOf('-', colon + 1);
    if (colon < 0 || dash < 0) {
      throw new IllegalArgumentException("degradation '" + text + "' is not filter:min-max");
    }
    try {
      return new Degradation(text.substring(0, colon), Double.parseDouble(text.substring(colon + 1, dash)),
          Double.parseDouble(text.substring(dash + 1)));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("degradation '" + text + "' is not filter:min-max", e);
    }
  }

  /**
   * The scale the field is rendered at before the reduction to scale 1: the smallest whole
   * scale the model was trained at (at least 2), where it is most accurate and cheapest.
   */
  public int renderScale() {
    int s = (int) Math.max(2, Math.ceil(minScale));
    return s <= maxScale ? s : (int) Math.max(2, Math.floor(maxScale));
  }

  private static String number(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%s", v);
  }
}
