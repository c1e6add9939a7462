package dev.p2g.encode;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.imageio.ImageReader;
import javax.imageio.event.IIOReadWarningListener;

/** Collects reader warnings that mean pixels were lost, which readers report without throwing. */
final class ReadWarnings implements IIOReadWarningListener {
  // libjpeg fills a truncated or garbled scan with grey and only warns. "extraneous bytes before
  // marker" is left out on purpose: it is common in camera files whose pixels are intact.
  private static final List<String> DAMAGE = List.of(
      "premature end", "unexpected end", "truncated", "bad huffman code", "instead of rst");

  private final List<String> damage = new CopyOnWriteArrayList<>();

  @Override
  public void warningOccurred(ImageReader source, String warning) {
    if (warning != null && isDamage(warning)) {
      damage.add(warning);
    }
  }

  static boolean isDamage(String warning) {
    String lower = warning.toLowerCase(Locale.ROOT);
    return DAMAGE.stream().anyMatch(lower::contains);
  }

  /** The first damage warning, or null when the pixels came through whole. */
  String firstDamage() {
    return damage.isEmpty() ? null : damage.get(0);
  }
}
