package dev.p2g.encode;

import javax.imageio.ImageIO;

/** Makes the TwelveMonkeys readers visible to ImageIO, once per JVM. */
final class ImageIoPlugins {
  private static final Object LOCK = new Object();
  private static volatile boolean registered;

  private ImageIoPlugins() {}

  static void ensureRegistered() {
    if (registered) {
      return;
    }
    synchronized (LOCK) {
      if (!registered) {
        // Under Spark --jars the plugins sit in a child loader that ImageIO's default scan
        // (the application class path) misses; the loader of this class sees them.
        scanWith(ImageIoPlugins.class.getClassLoader());
        registered = true;
      }
    }
  }

  /** ImageIO scans the thread's context class loader, so borrow that slot and give it back. */
  static void scanWith(ClassLoader loader) {
    Thread thread = Thread.currentThread();
    ClassLoader previous = thread.getContextClassLoader();
    thread.setContextClassLoader(loader);
    try {
      ImageIO.scanForPlugins();
    } finally {
      thread.setContextClassLoader(previous);
    }
  }
}
