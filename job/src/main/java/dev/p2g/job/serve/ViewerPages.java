package dev.p2g.job.serve;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The server's pages for people: / lists the keys a page at a time (?after=KEY for the next),
 * each opening /view/KEY, a deep-zoom viewer (OpenSeadragon, BSD-3-Clause, fetched from the npm
 * registry by the build: docs/serve.md) over the image's info.json that zooms to the server's
 * largest scale, far past the source. The viewer's files are served from the jar under SCRIPTS.
 */
final class ViewerPages {
  static final String SCRIPTS = "/viewer/";
  static final int PAGE = 100;
  /** Where the build puts OpenSeadragon's files in the jar. */
  private static final String BUNDLE = "/dev/p2g/job/serve/viewer/";

  /** A file of the viewer. */
  record Asset(String contentType, byte[] bytes) {}

  /**
   * IIIF tiles stop at scale factor 1, the source's pixels, and a viewer magnifies those: so the
   * viewer is given the image at z times the source (z the largest power of two within the
   * server's limits) and asks for each of its tiles as a region of the source at ^size, which the
   * field renders. Every tile covers a whole number of source pixels (256 / scale, scale a power
   * of two times z), so tiles meet exactly.
   */
  private static final String ZOOM_SCRIPT = """
      fetch(INFO).then(r => r.json()).then(info => {
        const most = Math.min(info.maxWidth / info.width, info.maxHeight / info.height,
            Math.sqrt(info.maxArea / (info.width * info.height)));
        let z = 1;
        while (z * 2 <= most && z < 256) z *= 2;
        window.zoom = z;
        window.viewer = OpenSeadragon({id: 'viewer', prefixUrl: PREFIX_URL, showNavigator: true,
          crossOriginPolicy: 'Anonymous', maxZoomPixelRatio: 2, drawer: 'canvas',
          tileSources: {width: info.width * z, height: info.height * z, tileSize: 256, tileOverlap: 0,
            getTileUrl: function (level, x, y) {
              const scale = Math.pow(2, level - this.maxLevel) * z;
              const span = 256 / scale;
              const rx = x * span, ry = y * span;
              const rw = Math.min(span, info.width - rx), rh = Math.min(span, info.height - ry);
              const ow = Math.max(1, Math.min(256, Math.ceil(info.width * z * Math.pow(2, level - this.maxLevel)) - x * 256));
              const oh = Math.max(1, Math.min(256, Math.ceil(info.height * z * Math.pow(2, level - this.maxLevel)) - y * 256));
              return info.id + '/' + [rx, ry, rw, rh].join(',') + '/%5E' + ow + ',' + oh + '/0/default.png';
            }}});
      });
      """;

  private final FieldIndex index;

  ViewerPages(FieldIndex index) {
    this.index = index;
  }

  /** The listing page after the query's key (?after=KEY, percent-encoded), PAGE keys long. */
  byte[] list(String rawQuery) {
    String after = null;
    if (rawQuery != null && rawQuery.startsWith("after=")) {
      after = ImageRequest.decodeIdentifier(rawQuery.substring("after=".length()));
    }
    List<String> keys = index.keys(after, PAGE + 1);
    StringBuilder b = head("p2g fields").append("<h1>").append(index.size()).append(" images</h1>\n<ul>\n");
    for (String key : keys.subList(0, Math.min(PAGE, keys.size()))) {
      String id = ImageRequest.encodeIdentifier(key);
      b.append("<li><a href=\"/view/").append(id).append("\">").append(html(key)).append("</a> <a href=\"")
          .append(IiifServer.PREFIX).append(id).append("/info.json\">info.json</a></li>\n");
    }
    b.append("</ul>\n");
    if (keys.size() > PAGE) {
      b.append("<p><a id=\"next\" href=\"/?after=").append(ImageRequest.encodeIdentifier(keys.get(PAGE - 1)))
          .append("\">next ").append(PAGE).append("</a></p>\n");
    }
    return b.append("</body></html>\n").toString().getBytes(StandardCharsets.UTF_8);
  }

  /** The viewer of the image whose (percent-encoded) identifier is given; 404 for an unknown key. */
  byte[] viewer(String rawId) {
    String key = ImageRequest.decodeIdentifier(rawId);
    if (index.find(key) == null) {
      throw new IiifException(404, "no image '" + key + "'");
    }
    String info = IiifServer.PREFIX + ImageRequest.encodeIdentifier(key) + "/info.json";
    StringBuilder b = head(html(key)).append("<p><a href=\"/\">all images</a> · ").append(html(key)).append("</p>\n");
    if (ViewerPages.class.getResource(BUNDLE + "openseadragon.min.js") == null) {
      b.append("<p id=\"missing\">The viewer was not bundled (the build found no npm): the image service is at <a href=\"")
          .append(info).append("\">info.json</a>.</p>\n");
    }
    b.append("<div id=\"viewer\" style=\"width:100%;height:85vh;background:#111\"></div>\n")
        .append("<script src=\"").append(SCRIPTS).append("openseadragon.min.js\"></script>\n")
        .append("<script>const INFO = '").append(info).append("', PREFIX_URL = '").append(SCRIPTS)
        .append("images/';\n").append(ZOOM_SCRIPT).append("</script>\n</body></html>\n");
    return b.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** A file of the viewer bundle by its path under SCRIPTS; 404 where the bundle has none. */
  static Asset asset(String path) throws IOException {
    String name = path.substring(SCRIPTS.length());
    if (!name.matches("([A-Za-z0-9_\\-]+/)?[A-Za-z0-9_\\-]+(\\.[A-Za-z0-9_\\-]+)*\\.(js|png|txt)")) {
      throw new IiifException(404, "no viewer file " + path);
    }
    try (InputStream in = ViewerPages.class.getResourceAsStream(BUNDLE + name)) {
      if (in == null) {
        throw new IiifException(404, "no viewer file " + path + (name.equals("openseadragon.min.js")
            ? " (the build bundles it when npm is on the PATH)" : ""));
      }
      String type = name.endsWith(".js") ? "text/javascript" : name.endsWith(".png") ? "image/png" : "text/plain";
      return new Asset(type + (type.startsWith("text") ? "; charset=utf-8" : ""), in.readAllBytes());
    }
  }

  private static StringBuilder head(String title) {
    return new StringBuilder("<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>").append(title)
        .append("</title></head><body style=\"font-family:sans-serif\">\n");
  }

  static String html(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;")
        .replace("'", "&#39;");
  }
}
