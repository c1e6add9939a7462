package dev.p2g.render;

import dev.p2g.field.FloatImage;
import dev.p2g.field.GaussianField;
import dev.p2g.io.Device;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/** Rasterises a Gaussian field at a scale: the field equation of DESIGN.md, and nothing else. */
public interface Renderer {
  FloatImage render(GaussianField field, Scale scale);

  /** The rendering as 8-bit RGB, what image files take; a renderer may get there without a FloatImage. */
  default BufferedImage renderRgb8(GaussianField field, Scale scale) {
    return ImageEncoding.toRgb8(render(field, scale));
  }

  /** Several fields at one scale; a GPU renderer does them in one launch. */
  default List<FloatImage> renderAll(List<GaussianField> fields, Scale scale) {
    List<FloatImage> out = new ArrayList<>(fields.size());
    for (GaussianField f : fields) {
      out.add(render(f, scale));
    }
    return out;
  }

  /** Fields per renderAll when the user does not say: 1 holds the least memory. */
  default int preferredBatch() {
    return 1;
  }

  /** Names the device in the manifest ("cpu", "cuda:0"). */
  Device device();
}
