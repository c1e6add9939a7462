package dev.p2g.job;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A loopback HTTP proxy in front of the test S3 server that counts every request by kind and, when
 * told to, fails a fraction of them the ways stores do: 503 SlowDown, 500 InternalError, or a
 * connection reset. A faulted request never reaches the server (the store refused it), so a
 * client that retries it does no harm and one that gives up has lost nothing stored. Bytes are
 * relayed untouched, so the client's signatures (made for this proxy's Host) still verify.
 * Requests are one at a time per connection (S3 clients do not pipeline), which lets the proxy
 * answer a request itself and close the connection.
 */
final class FaultProxy implements AutoCloseable {
  /** S3 requests by what they do: the rows of the request counts in docs/operations.md. */
  enum Kind { LIST, HEAD, GET, PUT, COPY, INITIATE, PART, COMPLETE, ABORT, LIST_UPLOADS, DELETE, BULK_DELETE }

  enum Fault { SLOW_DOWN, INTERNAL_ERROR, RESET }

  /** What the proxy saw of one kind since the last reset. */
  record Counts(long requests, long faulted, long retried) {}

  private final ServerSocket server;
  private final int upstream;
  private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "fault-proxy");
    t.setDaemon(true);
    return t;
  });
  private final Map<Kind, long[]> counts = new EnumMap<>(Kind.class); // requests, faulted, retried
  private final Set<String> faultedRequests = new HashSet<>();
  private Random random = new Random(0);
  private double rate;
  private boolean firstOfEachKind;
  private Set<Kind> only = EnumSet.allOf(Kind.class);

  private FaultProxy(ServerSocket server, int upstream) {
    this.server = server;
    this.upstream = upstream;
    for (Kind k : Kind.values()) {
      counts.put(k, new long[3]);
    }
    threads.execute(this::accept);
  }

  static FaultProxy start(int upstreamPort) throws IOException {
    return new FaultProxy(new ServerSocket(0, 64, InetAddress.getLoopbackAddress()), upstreamPort);
  }

  String endpoint() {
    return "http://127.0.0.1:" + server.getLocalPort();
  }

  /**
   * Faults a share rate of the requests from now on, drawn from a seeded generator (the same seed
   * gives the same faults to the same sequence of requests). firstOfEachKind faults each kind's
   * first request too, so that every kind is hit however few of it a run sends. only: the kinds to
   * fault, all when empty.
   */
  synchronized void faults(double rate, long seed, boolean firstOfEachKind, Kind... only) {
    this.only = only.length == 0 ? EnumSet.allOf(Kind.class) : EnumSet.copyOf(List.of(only));
    this.rate = rate;
    this.random = new Random(seed);
    this.firstOfEachKind = firstOfEachKind;
  }

  synchronized void noFaults() {
    rate = 0;
    firstOfEachKind = false;
  }

  synchronized void resetCounts() {
    counts.values().forEach(c -> java.util.Arrays.fill(c, 0));
    faultedRequests.clear();
  }

  synchronized Map<Kind, Counts> counts() {
    Map<Kind, Counts> out = new EnumMap<>(Kind.class);
    counts.forEach((k, c) -> out.put(k, new Counts(c[0], c[1], c[2])));
    return out;
  }

  synchronized long total(int column) {
    return counts.values().stream().mapToLong(c -> c[column]).sum();
  }

  @Override
  public void close() throws IOException {
    server.close();
    threads.shutdownNow();
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        threads.execute(() -> serve(client));
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void serve(Socket client) {
    try (client; Socket server = new Socket(InetAddress.getLoopbackAddress(), upstream)) {
      InputStream in = new BufferedInputStream(client.getInputStream());
      OutputStream toServer = server.getOutputStream();
      threads.execute(() -> relay(server, client));
      while (true) {
        byte[] head = readHead(in);
        if (head == null) {
          return;
        }
        String text = new String(head, StandardCharsets.ISO_8859_1);
        Fault fault = decide(text);
        if (fault == Fault.RESET) {
          client.setSoLinger(true, 0); // close with RST
          return;
        }
        if (fault != null) {
          if (!header(text, "expect").equalsIgnoreCase("100-continue")) {
            copyBody(text, in, OutputStream.nullOutputStream());
          }
          answer(client.getOutputStream(), fault, text.startsWith("HEAD "));
          return;
        }
        toServer.write(head);
        copyBody(text, in, toServer);
        toServer.flush();
      }
    } catch (IOException e) {
      // the client or the server went away: so does this connection
    }
  }

  private static void relay(Socket from, Socket to) {
    try {
      from.getInputStream().transferTo(to.getOutputStream());
    } catch (IOException e) {
      // either side closed
    } finally {
      try {
        to.shutdownOutput();
      } catch (IOException e) {
        // already closed
      }
    }
  }

  private synchronized Fault decide(String head) {
    String line = head.substring(0, head.indexOf('\r'));
    Kind kind = kind(line, head);
    long[] c = counts.get(kind);
    c[0]++;
    String request = line.substring(0, line.lastIndexOf(' '));
    if (faultedRequests.remove(request)) {
      c[2]++;
    }
    boolean fault = rate > 0 && only.contains(kind) && (random.nextDouble() < rate || firstOfEachKind && c[1] == 0);
    if (!fault) {
      return null;
    }
    c[1]++;
    faultedRequests.add(request);
    return Fault.values()[random.nextInt(Fault.values().length)];
  }

  static Kind kind(String requestLine, String head) {
    String[] parts = requestLine.split(" ");
    String method = parts[0];
    String target = parts[1];
    int q = target.indexOf('?');
    String path = q < 0 ? target : target.substring(0, q);
    String query = q < 0 ? "" : target.substring(q + 1);
    boolean bucketOnly = path.indexOf('/', 1) < 0 || path.indexOf('/', 1) == path.length() - 1;
    boolean uploadId = query.contains("uploadId=");
    return switch (method) {
      case "GET" -> query.matches("(^|.*&)uploads(=.*|&.*|$)") ? Kind.LIST_UPLOADS
          : bucketOnly ? Kind.LIST : Kind.GET;
      case "HEAD" -> Kind.HEAD;
      case "PUT" -> uploadId ? Kind.PART : header(head, "x-amz-copy-source").isEmpty() ? Kind.PUT : Kind.COPY;
      case "POST" -> uploadId ? Kind.COMPLETE : query.startsWith("uploads") || query.contains("&uploads")
          ? Kind.INITIATE : Kind.BULK_DELETE;
      case "DELETE" -> uploadId ? Kind.ABORT : Kind.DELETE;
      default -> throw new IllegalArgumentException("an S3 request this proxy does not know: " + requestLine);
    };
  }

  private static void answer(OutputStream out, Fault fault, boolean head) throws IOException {
    String status = fault == Fault.SLOW_DOWN ? "503 Slow Down" : "500 Internal Server Error";
    String code = fault == Fault.SLOW_DOWN ? "SlowDown" : "InternalError";
    byte[] body = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>" + code
        + "</Code><Message>injected by the test's fault proxy</Message><RequestId>p2g-fault</RequestId></Error>")
        .getBytes(StandardCharsets.UTF_8);
    String response = "HTTP/1.1 " + status + "\r\nContent-Type: application/xml\r\nContent-Length: " + body.length
        + "\r\nx-amz-request-id: p2g-fault\r\nConnection: close\r\n\r\n";
    out.write(response.getBytes(StandardCharsets.ISO_8859_1));
    if (!head) {
      out.write(body);
    }
    out.flush();
  }

  /** The request line and headers up to the empty line, or null at the end of the connection. */
  private static byte[] readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream(512);
    int matched = 0;
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        return null;
      }
      head.write(b);
      matched = b == "\r\n\r\n".charAt(matched) ? matched + 1 : b == '\r' ? 1 : 0;
    }
    return head.toByteArray();
  }

  private static void copyBody(String head, InputStream in, OutputStream out) throws IOException {
    if (header(head, "transfer-encoding").equalsIgnoreCase("chunked")) {
      while (true) {
        String size = line(in, out);
        int n = Integer.parseInt(size.split(";")[0].trim(), 16);
        if (n == 0) {
          while (!line(in, out).isEmpty()) {
            // trailers
          }
          return;
        }
        copy(in, out, n);
        line(in, out);
      }
    }
    String length = header(head, "content-length");
    copy(in, out, length.isEmpty() ? 0 : Long.parseLong(length));
  }

  private static void copy(InputStream in, OutputStream out, long n) throws IOException {
    byte[] buffer = new byte[64 * 1024];
    while (n > 0) {
      int r = in.read(buffer, 0, (int) Math.min(buffer.length, n));
      if (r < 0) {
        throw new IOException("the client closed in a body");
      }
      out.write(buffer, 0, r);
      n -= r;
    }
  }

  /** One CRLF-ended line, relayed, returned without its ending. */
  private static String line(InputStream in, OutputStream out) throws IOException {
    StringBuilder b = new StringBuilder();
    int c;
    while ((c = in.read()) >= 0) {
      out.write(c);
      if (c == '\n') {
        break;
      }
      b.append((char) c);
    }
    return b.toString().trim();
  }

  private static String header(String head, String name) {
    for (String l : head.split("\r\n")) {
      int colon = l.indexOf(':');
      if (colon > 0 && l.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals(name)) {
        return l.substring(colon + 1).trim();
      }
    }
    return "";
  }
}
