package dev.p2g.job.serve;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The HTTP side of p2g serve (the JDK's own server: no container to configure): the IIIF Image
 * API under /iiif/3/, the key listing and viewer pages (ViewerPages) elsewhere. A request is
 * admitted only while fewer than threads + queue are (the rest get 503 at once, so a burst
 * cannot pile up memory or latency), and at most threads render at a time. Every failure is a
 * status and a one-line text body; nothing a client sends reaches a path (identifiers are keys
 * looked up in the index) or can stop the server.
 */
public final class IiifServer implements AutoCloseable {
  static final String PREFIX = "/iiif/3/";
  private static final String NO_DELAY = "sun.net.httpserver.nodelay";
  private static final String PROFILE_LINK = "<http://iiif.io/api/image/3/level1.json>;rel=\"profile\"";

  private final HttpServer http;
  private final ExecutorService handlers;
  private final Semaphore admitted;
  private final Semaphore rendering;
  private final RegionRenderer images;
  private final ViewerPages pages;
  private final PrintStream log;
  private final AtomicLong imagesServed = new AtomicLong();

  IiifServer(ServeOptions options, FieldIndex index, RegionRenderer images, PrintStream log) throws IOException {
    this.images = images;
    this.pages = new ViewerPages(index);
    this.log = log;
    this.admitted = new Semaphore(options.threads() + options.queue());
    this.rendering = new Semaphore(options.threads());
    // the JDK's server writes headers and body apart: with Nagle on, the body waited for the
    // client's delayed ACK, 40 ms a response (ServeBenchmark: 62 ms a x4 tile that renders in 12)
    if (System.getProperty(NO_DELAY) == null) {
      System.setProperty(NO_DELAY, "true");
    }
    this.http = HttpServer.create(new InetSocketAddress(options.host(), options.port()), 64);
    AtomicInteger n = new AtomicInteger();
    // threads for the admitted requests and a few more that only turn the rest away
    this.handlers = Executors.newFixedThreadPool(options.threads() + options.queue() + 4, r -> {
      Thread t = new Thread(r, "p2g-serve-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    http.setExecutor(handlers);
    http.createContext("/", this::handle);
    http.start();
  }

  /** How many images (not pages or info.json) were answered with 200 so far. */
  public long imagesServed() {
    return imagesServed.get();
  }

  /** Bytes of decoded fields the cache holds now (at most its budget). */
  public long cachedBytes() {
    return images.cachedBytes();
  }

  /** The port the server listens on (the one picked, when port 0 was asked for). */
  public int port() {
    return http.getAddress().getPort();
  }

  @Override
  public void close() {
    http.stop(0);
    handlers.shutdownNow();
  }

  private void handle(HttpExchange ex) {
    try {
      ex.getResponseHeaders().set("Access-Control-Allow-Origin", "*");
      String method = ex.getRequestMethod();
      if (!method.equals("GET") && !method.equals("HEAD")) {
        ex.getResponseHeaders().set("Allow", "GET, HEAD");
        throw new IiifException(405, "only GET and HEAD");
      }
      if (!admitted.tryAcquire()) {
        ex.getResponseHeaders().set("Retry-After", "1");
        throw new IiifException(503, "busy: every render thread and queue place is taken; try again");
      }
      try {
        route(ex, ex.getRequestURI().getRawPath());
      } finally {
        admitted.release();
      }
    } catch (IiifException e) {
      respond(ex, e.status(), e.getMessage());
    } catch (IOException e) {
      // the client went away (a viewer drops the tiles it no longer needs): nobody to tell
      respond(ex, 500, "could not answer: " + e.getMessage());
    } catch (RuntimeException | OutOfMemoryError e) {
      log.println("p2g: serve: " + ex.getRequestURI().getRawPath() + " failed: " + e);
      respond(ex, 500, "internal error: " + e.getClass().getSimpleName());
    } finally {
      ex.close();
    }
  }

  private void route(HttpExchange ex, String path) throws IOException {
    if (path.startsWith(PREFIX)) {
      iiif(ex, path.substring(PREFIX.length()));
    } else if (path.equals("/") || path.equals("/index.html")) {
      send(ex, 200, "text/html; charset=utf-8", pages.list(ex.getRequestURI().getRawQuery()));
    } else if (path.startsWith("/view/")) {
      send(ex, 200, "text/html; charset=utf-8", pages.viewer(path.substring("/view/".length())));
    } else if (path.startsWith(ViewerPages.SCRIPTS)) {
      ViewerPages.Asset asset = ViewerPages.asset(path);
      send(ex, 200, asset.contentType(), asset.bytes());
    } else {
      throw new IiifException(404, "nothing at " + path + " (images are under " + PREFIX + ")");
    }
  }

  private void iiif(HttpExchange ex, String rest) throws IOException {
    int slash = rest.indexOf('/');
    if (slash < 0) { // the image's base URI: the spec has it redirect to info.json
      images.entry(ImageRequest.decodeIdentifier(rest));
      ex.getResponseHeaders().set("Location", PREFIX + rest + "/info.json");
      send(ex, 303, "text/plain; charset=utf-8", "see info.json\n".getBytes(StandardCharsets.UTF_8));
      return;
    }
    if (rest.substring(slash).equals("/info.json")) {
      FieldIndex.Entry e = images.entry(ImageRequest.decodeIdentifier(rest.substring(0, slash)));
      String id = "http://" + host(ex) + PREFIX + rest.substring(0, slash);
      String accept = ex.getRequestHeaders().getFirst("Accept");
      boolean ld = accept != null && accept.contains("application/ld+json");
      ex.getResponseHeaders().set("Link", PROFILE_LINK);
      send(ex, 200, ld ? "application/ld+json;profile=\"http://iiif.io/api/image/3/context.json\""
          : "application/json", ImageInfo.json(id, e.width(), e.height(), images.limits(e))
          .getBytes(StandardCharsets.UTF_8));
      return;
    }
    ImageRequest request = ImageRequest.parse(rest);
    byte[] image;
    rendering.acquireUninterruptibly();
    try {
      image = images.render(request);
    } catch (IOException e) {
      // fields/ could not be read (the store is away, a file is broken): the operator hears of it
      log.println("p2g: serve: could not read the field of '" + request.identifier() + "': " + e.getMessage());
      throw new IiifException(500, "could not read the field: " + e.getMessage());
    } finally {
      rendering.release();
    }
    ex.getResponseHeaders().set("Link", PROFILE_LINK);
    imagesServed.incrementAndGet(); // before the answer, so that a client that has it sees it counted
    send(ex, 200, request.format().equals("jpg") ? "image/jpeg" : "image/png", image);
  }

  /** The Host the client used (info.json's id must be a URL it can reach), if it is a plain host[:port]. */
  private String host(HttpExchange ex) {
    String h = ex.getRequestHeaders().getFirst("Host");
    if (h != null && h.matches("[A-Za-z0-9.\\-]+(:[0-9]{1,5})?|\\[[0-9A-Fa-f:.]+\\](:[0-9]{1,5})?")) {
      return h;
    }
    InetSocketAddress local = ex.getLocalAddress();
    return local.getHostString() + ":" + local.getPort();
  }

  private static void text(HttpExchange ex, int status, String line) throws IOException {
    send(ex, status, "text/plain; charset=utf-8", (line.replaceAll("[\\r\\n]+", " ") + "\n")
        .getBytes(StandardCharsets.UTF_8));
  }

  private static void respond(HttpExchange ex, int status, String line) {
    try {
      text(ex, status, line);
    } catch (IOException | RuntimeException e) {
      // the response had begun, or the client is gone: nothing more to say to it
    }
  }

  private static void send(HttpExchange ex, int status, String contentType, byte[] body) throws IOException {
    ex.getResponseHeaders().set("Content-Type", contentType);
    boolean head = ex.getRequestMethod().equals("HEAD");
    ex.sendResponseHeaders(status, head ? -1 : body.length);
    if (!head) {
      try (OutputStream out = ex.getResponseBody()) {
        out.write(body);
      }
    }
  }
}
