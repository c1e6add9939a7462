package dev.p2g.render;

import dev.p2g.field.FloatImage;
import dev.p2g.field.GaussianField;

/** Rasterises a Gaussian field at a scale: the field equation of DESIGN.md, and nothing else. */
public interface Renderer {
  FloatImage render(GaussianField field, Scale scale);

  /** Names the device in the manifest ("cpu", "cuda:0"). */
  String device();
}
