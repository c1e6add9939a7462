package dev.p2g.job.serve;

import dev.p2g.field.GaussianField;
import dev.p2g.render.CpuRenderer;
import dev.p2g.render.ImageEncoding;
import dev.p2g.render.OutputFormat;
import dev.p2g.render.WindowRender;
import dev.p2g.tables.TileReader;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;

/**
 * Answers an image request with the encoded image: finds the key in the index, resolves region
 * and size against the image and the limits, and renders the window of the level they name
 * (LevelWindow) from the tiles whose Gaussians reach it only, each read once from fields/ and
 * then kept in the cache (by key, encoded_at and tile, so a new encoding is never served stale).
 */
final class RegionRenderer {
  private final FieldIndex index;
  private final FieldCache<WindowRender.Part> cache;
  private final Configuration conf;
  private final ServeOptions options;
  private final CpuRenderer renderer = new CpuRenderer();

  RegionRenderer(FieldIndex index, Configuration conf, ServeOptions options) {
    this.index = index;
    this.conf = conf;
    this.options = options;
    this.cache = new FieldCache<>(options.cacheBytes(), p -> 4L * p.field().params().length + 256);
  }

  /** The image's entry, or 404. */
  FieldIndex.Entry entry(String key) {
    FieldIndex.Entry e = index.find(key);
    if (e == null) {
      throw new IiifException(404, "no image '" + key + "' in " + options.fields());
    }
    return e;
  }

  SizeLimits limits(FieldIndex.Entry e) {
    return SizeLimits.of(e.width(), e.height(), options.maxScale(), options.maxArea());
  }

  /** The request's image, encoded in its format. */
  byte[] render(ImageRequest request) throws IOException {
    FieldIndex.Entry e = entry(request.identifier());
    Rect region = request.region().resolve(e.width(), e.height());
    long[] size = request.size().resolve(region.width(), region.height(), limits(e));
    BufferedImage image = window(e, LevelWindow.of(region, size[0], size[1], e.width(), e.height()));
    return ImageEncoding.encode(image, OutputFormat.parse(request.format()));
  }

  /** A window of a level of the image. */
  BufferedImage window(FieldIndex.Entry e, LevelWindow w) throws IOException {
    WindowRender window = WindowRender.of(renderer, e.width(), e.height(), w.scale(), e.degradation(), w.x(), w.y(),
        w.width(), w.height());
    WindowRender.Footprint at = window.footprint();
    List<WindowRender.Part> parts = new ArrayList<>();
    for (FieldIndex.Tile t : e.tiles()) { // raster order, as the render command adds them
      if (at.meets(t.x(), t.y(), t.width(), t.height(), t.reach())) {
        parts.add(tile(e, t));
      }
    }
    return window.rgb8(parts);
  }

  long cachedBytes() {
    return cache.bytes();
  }

  private WindowRender.Part tile(FieldIndex.Entry e, FieldIndex.Tile t) throws IOException {
    String name = e.key() + '\u0000' + e.encodedAt() + '\u0000' + t.x() + ',' + t.y();
    return cache.get(name, n -> {
      var tile = TileReader.readAt(e.files(), e.key(), t.x(), t.y(), conf);
      if (tile == null) {
        // the table changed under the index (a compaction, a deletion): the next refresh will see it
        throw new IiifException(503, "the field of '" + e.key() + "' is no longer where the index had it;"
            + " try again after the index refresh");
      }
      GaussianField f = tile.field().withDegradation(e.degradation());
      return new WindowRender.Part(f, t.x(), t.y(), f.extent());
    });
  }
}
