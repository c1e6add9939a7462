package dev.p2g.job.serve;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.p2g.render.CpuRenderer;
import dev.p2g.render.ReferenceRenderer;
import dev.p2g.render.Scale;
import dev.p2g.render.TiledRender;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * p2g serve over a table the job's way, judged by the float64 reference of the field equation
 * (within one 8-bit level) and by the render command: whole images at a size are its levels
 * byte for byte (full/max is scale 1, full/^pct:200 is x2, for a whole image and one stored as
 * tiles), regions are those levels' windows, and every bad request gets its status and one line.
 */
class ServeTest {
  @TempDir
  static Path tmp;
  static ServedFields fields;
  static ServeCommand.Running server;

  @BeforeAll
  static void start() throws IOException {
    fields = new ServedFields(tmp);
    server = fields.start(fields.options(2, 8, 64L << 20));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({"plain,full/max,1", "plain,full/%5Epct:200,2", "plain,full/20%2C,0.5", "plain,full/%5E100%2C,2.5",
      "tiled%2Fone,full/max,1", "tiled%2Fone,full/%5Epct:200,2", "tiled%2Fone,full/%5Epct:350,3.5",
      "tiled%2Fone,full/pct:50,0.5"})
  void wholeImagesAreTheRenderCommandsLevels(String id, String regionAndSize, double scale) throws IOException {
    BufferedImage got = image(server, "/iiif/3/" + id + "/" + regionAndSize + "/0/default.png");
    BufferedImage want = level(ImageRequest.decodeIdentifier(id), Scale.of(scale));
    assertArrayEquals(pixels(want, 0, 0, want.getWidth(), want.getHeight()), pixels(got, 0, 0, got.getWidth(),
        got.getHeight()), regionAndSize);
    assertNearReference(got, id, Scale.of(scale), 0, 0);
  }

  /** Regions are windows of a level: 0,0,8,8 at 32 wide is that part of x4, and so on. */
  @ParameterizedTest(name = "{0} {1}/{2} = x{3} at {4},{5}")
  @CsvSource({"a%20b%2F%C3%BC%23%3F%25.png,0%2C0%2C8%2C8,%5E32%2C,4,0,0", "plain,0%2C0%2C20%2C16,10%2C,0.5,0,0",
      "a%20b%2F%C3%BC%23%3F%25.png,4%2C2%2C6%2C5,%5E48%2C,8,32,16", "tiled%2Fone,5%2C6%2C10%2C9,%5E20%2C,2,10,12",
      "tiled%2Fone,14%2C7%2C14%2C14,7%2C,0.5,7,4"})
  void regionsAreWindowsOfALevel(String id, String region, String size, double scale, int x, int y)
      throws IOException {
    BufferedImage got = image(server, "/iiif/3/" + id + "/" + region + "/" + size + "/0/default.png");
    BufferedImage want = level(ImageRequest.decodeIdentifier(id), Scale.of(scale));
    assertArrayEquals(pixels(want, x, y, got.getWidth(), got.getHeight()), pixels(got, 0, 0, got.getWidth(),
        got.getHeight()));
    assertNearReference(got, id, Scale.of(scale), x, y);
  }

  /** Within one 8-bit level of that part of the level by the float64 reference of the field equation. */
  private static void assertNearReference(BufferedImage got, String id, Scale scale, int x, int y) {
    double[][][] reference = ReferenceRenderer.render(fields.field(ImageRequest.decodeIdentifier(id)), scale.x(),
        scale.y());
    double[][][] part = new double[3][got.getHeight()][];
    for (int c = 0; c < 3; c++) {
      for (int v = 0; v < got.getHeight(); v++) {
        part[c][v] = Arrays.copyOfRange(reference[c][y + v], x, x + got.getWidth());
      }
    }
    int worst = ReferenceRenderer.worstLevels(got, part);
    assertTrue(worst <= 1, "against the float64 reference: " + worst + " levels");
  }

  @ParameterizedTest(name = "{1} {2} -> {0}")
  @CsvSource(delimiter = '|', value = {
      "404|GET|/iiif/3/nope/full/max/0/default.png", "404|GET|/iiif/3/nope/info.json",
      "404|GET|/iiif/3/..%2F..%2Fetc%2Fpasswd/full/max/0/default.png", "404|GET|/etc/passwd",
      "400|GET|/iiif/3/plain/99,99,5,5/max/0/default.png", "400|GET|/iiif/3/plain/full/pct:200/0/default.png",
      "400|GET|/iiif/3/plain/full/max/0/default.bmp", "400|GET|/iiif/3/plain/full/max/0",
      "400|GET|/iiif/3/pl%C3ain/full/max/0/default.png", "400|GET|/iiif/3/plain/full/%5E99999%2C/0/default.png",
      "501|GET|/iiif/3/plain/full/max/90/default.png", "501|GET|/iiif/3/plain/full/max/0/gray.png",
      "501|GET|/iiif/3/plain/full/max/0/default.webp", "405|POST|/iiif/3/plain/info.json",
      "405|DELETE|/", "404|GET|/view/nope"})
  void badRequestsGetTheirStatusAndOneLine(int status, String method, String path) throws IOException {
    HttpResponse<byte[]> r = fields.get(server, method, path);
    assertEquals(status, r.statusCode(), ServedFields.text(r));
    String body = ServedFields.text(r);
    assertTrue(body.endsWith("\n") && body.indexOf('\n') == body.length() - 1 && body.length() > 5, body);
    assertEquals("*", r.headers().firstValue("Access-Control-Allow-Origin").orElse(""));
  }

  @Test
  void infoJsonHasWhatTheSpecRequires() throws IOException {
    String id = ImageRequest.encodeIdentifier(ServedFields.ODD);
    HttpResponse<byte[]> r = fields.get(server, "/iiif/3/" + id + "/info.json");
    assertEquals(200, r.statusCode(), ServedFields.text(r));
    JsonNode info = new ObjectMapper().readTree(r.body());
    for (String required : new String[] {"@context", "id", "type", "protocol", "profile", "width", "height"}) {
      assertTrue(info.has(required), required);
    }
    assertEquals("http://127.0.0.1:" + server.server().port() + "/iiif/3/" + id, info.get("id").asText());
    assertEquals(12, info.get("width").asInt());
    assertEquals(96, info.get("maxWidth").asInt(), "8 times the source by default");
    BufferedImage odd = image(server, "/iiif/3/" + id + "/full/max/0/default.png");
    assertEquals(12, odd.getWidth(), "a key with a space, a slash, a #, a ? and a % is served by its identifier");

    HttpResponse<byte[]> base = fields.get(server, "/iiif/3/plain");
    assertEquals(303, base.statusCode());
    assertEquals("/iiif/3/plain/info.json", base.headers().firstValue("Location").orElse(""));
    HttpResponse<byte[]> head = fields.get(server, "HEAD", "/iiif/3/plain/full/max/0/default.png");
    assertEquals(200, head.statusCode());
    assertEquals(0, head.body().length);
    HttpResponse<byte[]> jpg = fields.get(server, "/iiif/3/plain/full/max/0/color.jpg");
    assertEquals("image/jpeg", jpg.headers().firstValue("Content-Type").orElse(""));
    assertEquals(40, ImageIO.read(new ByteArrayInputStream(jpg.body())).getWidth());
  }

  @Test
  void theListingPagesKeysAndOpensTheViewer() throws IOException {
    String page = ServedFields.text(fields.get(server, "/"));
    assertTrue(page.contains("<h1>3 images</h1>"), page);
    assertTrue(page.contains("href=\"/view/a%20b%2F%C3%BC%23%3F%25.png\""), page);
    assertTrue(page.contains("a b/ü#?%.png"), page);
    String viewer = ServedFields.text(fields.get(server, "/view/tiled%2Fone"));
    assertTrue(viewer.contains("'/iiif/3/tiled%2Fone/info.json'") && viewer.contains("openseadragon.min.js"), viewer);
  }

  static BufferedImage image(ServeCommand.Running on, String path) throws IOException {
    HttpResponse<byte[]> r = fields.get(on, path);
    assertEquals(200, r.statusCode(), path + ": " + ServedFields.text(r));
    return ImageIO.read(new ByteArrayInputStream(r.body()));
  }

  /**
   * What the render command writes for the level: renderRgb8 for a whole image, TiledRender's
   * rows for an image stored as tiles (its tiles added in raster order).
   */
  private static BufferedImage level(String key, Scale scale) throws IOException {
    CpuRenderer renderer = new CpuRenderer();
    if (!key.equals(ServedFields.TILED)) {
      return renderer.renderRgb8(fields.field(key), scale);
    }
    var f = fields.tiled;
    ServedFields.Rows rows = new ServedFields.Rows();
    TiledRender render = new TiledRender(renderer, f.width(), f.height(), scale, f.reach() + ServedFields.TILE,
        ServedFields.TILE, rows::row);
    for (int y = 0; y < f.height(); y += ServedFields.TILE) {
      for (int x = 0; x < f.width(); x += ServedFields.TILE) {
        render.add(new TiledRender.Tile(f.crop(x, y, Math.min(ServedFields.TILE, f.width() - x),
            Math.min(ServedFields.TILE, f.height() - y)), x, y));
      }
    }
    render.finish();
    int w = scale.outputWidth(f.width());
    int h = scale.outputHeight(f.height());
    byte[] rgb = rows.toByteArray();
    BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    for (int i = 0; i < w * h; i++) {
      out.setRGB(i % w, i / w, (rgb[3 * i] & 0xff) << 16 | (rgb[3 * i + 1] & 0xff) << 8 | rgb[3 * i + 2] & 0xff);
    }
    return out;
  }

  static int[] pixels(BufferedImage img, int x, int y, int w, int h) {
    return img.getRGB(x, y, w, h, null, 0, w);
  }
}
