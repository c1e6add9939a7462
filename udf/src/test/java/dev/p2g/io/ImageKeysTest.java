package dev.p2g.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ImageKeysTest {
  @Test
  void keysCannotEscapeTheOutputRoot() {
    assertEquals("_./_./etc/passwd.png", ImageKeys.sanitize("../../etc/passwd.png"));
    assertEquals("a/b.png", ImageKeys.sanitize("/a//./b.png"));
    assertEquals("a/b.png", ImageKeys.sanitize("a\\b.png"));
    assertEquals("c_/x.png", ImageKeys.sanitize("c:/x.png"));
    assertEquals("tab_name.png", ImageKeys.sanitize("tab\tname.png"));
    OutputLayout out = new OutputLayout("s3a://bucket/out/");
    String path = out.pyramidFile("x2", ImageKeys.sanitize("../../x.jpg"), "png");
    assertEquals("s3a://bucket/out/pyramid/x2/_./_./x.png", path);
    assertThrows(IllegalArgumentException.class, () -> ImageKeys.sanitize("/./"));
  }

  @Test
  void spacesAndNonAsciiSurvive() {
    assertEquals("Ünïcödé dir/café au lait.JPG", ImageKeys.sanitize("Ünïcödé dir/café au lait.JPG"));
  }

  @Test
  void extensionsAreCaseInsensitive() {
    assertTrue(ImageKeys.isImage("a/B.JPG"));
    assertTrue(ImageKeys.isImage("x.TiFf"));
    assertFalse(ImageKeys.isImage("notes.txt"));
    assertFalse(ImageKeys.isImage(".png"));
    assertFalse(ImageKeys.isImage("dir.png/file"));
  }

  @Test
  void stemDropsOnlyTheExtension() {
    assertEquals("a/photo", ImageKeys.stem("a/photo.jpg"));
    assertEquals("a.b/photo", ImageKeys.stem("a.b/photo"));
    assertEquals("archive.tar", ImageKeys.stem("archive.tar.png"));
  }
}
