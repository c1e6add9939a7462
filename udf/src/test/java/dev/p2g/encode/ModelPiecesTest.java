package dev.p2g.encode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.p2g.field.FloatImage;
import dev.p2g.field.GaussianField;
import dev.p2g.io.Device;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The default model run in pieces (ModelPieces) gives the field of one run over the whole input
 * (here exactly: 0 difference): every core anchor sees its whole receptive field, at the input's
 * edges as in one run. A halo one pixel short of the receptive field shows as a difference
 * (2.7e-7 at pieces of 48; 0.27 with no halo), so the test can fail.
 */
class ModelPiecesTest {
  @ParameterizedTest(name = "{0} x {1}, pieces of {2}")
  @CsvSource({"256, 256, 48", "256, 256, 100", "200, 120, 64", "256, 256, 256"})
  void piecesGiveTheWholeRunsField(int w, int h, int piece) throws Exception {
    Configuration conf = new Configuration();
    ModelInfo info = OnnxSessions.inspect(ModelSource.BUILTIN_DEFAULT, Device.CPU, 1, conf);
    ModelSession session = OnnxSessions.get(new ModelRef(ModelSource.BUILTIN_DEFAULT, info.id(), Device.CPU, 1),
        conf);
    FloatImage input = sample(w, h);
    GaussianField whole = session.encode(input);
    ModelPieces pieces = new ModelPieces(piece, info.receptiveField());
    assertEquals(piece < Math.max(w, h), pieces.splits(input));
    GaussianField joined = pieces.splits(input) ? pieces.encode(session, input) : whole;
    double worst = maxDiff(whole, joined);
    System.out.printf("pieces of %d over %dx%d: max |param diff| %.2e%n", piece, w, h, worst);
    assertTrue(worst <= 1e-6, "max param difference " + worst);

    if (pieces.splits(input)) { // one pixel less of halo than the receptive field: anchors miss context
      double shortHalo = maxDiff(whole, new ModelPieces(piece, info.receptiveField() - 1).encode(session, input));
      System.out.printf("  with a halo of %d: %.2e%n", info.receptiveField() - 1, shortHalo);
      assertTrue(shortHalo > worst, "a halo short of the receptive field is seen: " + shortHalo);
    }
  }

  private static double maxDiff(GaussianField a, GaussianField b) {
    double worst = 0;
    for (int i = 0; i < a.params().length; i++) {
      worst = Math.max(worst, Math.abs(a.params()[i] - b.params()[i]));
    }
    return worst;
  }

  /** The top-left w x h of a sample photo, as the model takes it. */
  private static FloatImage sample(int w, int h) throws Exception {
    byte[] png = Files.readAllBytes(Path.of("../sample-data/images/colorful-cups.png"));
    DecodedImage img = new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS, AlphaPolicy.DEFAULT).decode(png, "cups");
    return img.pixels().region(0, 0, w, h);
  }
}
