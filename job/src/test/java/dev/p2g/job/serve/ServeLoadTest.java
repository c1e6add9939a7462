package dev.p2g.job.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.p2g.job.Chromium;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server under many clients: every request answered with its own status (no 500), the cache
 * within its budget; a full server says 503 at once instead of queueing; a field gone from
 * fields/ is a 500 and a line for the operator, the rest still served; and the viewer page,
 * loaded in headless Chromium, asks for tiles and gets images.
 */
class ServeLoadTest {
  @TempDir
  static Path tmp;
  static ServedFields fields;

  @BeforeAll
  static void table() {
    fields = new ServedFields(tmp);
  }

  @Test
  void manyClientsGetTheirAnswersWithinTheCacheBudget() throws Exception {
    long budget = 200_000; // the whole image and a few tiles: the cache must keep dropping
    try (ServeCommand.Running server = fields.start(fields.options(2, 64, budget))) {
      List<String> paths = List.of("/iiif/3/plain/full/max/0/default.png", "/iiif/3/tiled%2Fone/info.json",
          "/iiif/3/tiled%2Fone/0,0,14,14/%5E56,/0/default.png", "/iiif/3/tiled%2Fone/full/10,/0/default.jpg",
          "/iiif/3/nope/full/max/0/default.png", "/iiif/3/plain/full/max/45/default.png");
      List<Integer> want = List.of(200, 200, 200, 200, 404, 501);
      ExecutorService clients = Executors.newFixedThreadPool(16);
      List<Future<int[]>> answers = new ArrayList<>();
      for (int i = 0; i < 60; i++) {
        int which = i % paths.size();
        answers.add(clients.submit(() -> new int[] {which, fields.get(server, paths.get(which)).statusCode()}));
      }
      Map<String, Integer> wrong = new TreeMap<>();
      for (Future<int[]> a : answers) {
        int[] got = a.get();
        if (got[1] != want.get(got[0])) {
          wrong.merge(paths.get(got[0]) + " -> " + got[1], 1, Integer::sum);
        }
      }
      clients.shutdown();
      assertEquals(Map.of(), wrong, "requests answered otherwise than alone");
      assertEquals(30, server.server().imagesServed(), "images served");
      long cached = server.server().cachedBytes();
      assertTrue(cached <= budget, "cache " + cached + " bytes, budget " + budget);
    }
  }

  @Test
  void aFullServerSays503AtOnce() throws Exception {
    // one render thread, no queue: of 12 slow requests at once most are turned away
    try (ServeCommand.Running server = fields.start(fields.options(1, 0, 1 << 20))) {
      ExecutorService clients = Executors.newFixedThreadPool(12);
      List<Future<HttpResponse<byte[]>>> answers = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        answers.add(clients.submit(() -> fields.get(server, "/iiif/3/plain/full/%5Emax/0/default.png")));
      }
      int ok = 0;
      int busy = 0;
      for (Future<HttpResponse<byte[]>> a : answers) {
        HttpResponse<byte[]> r = a.get();
        if (r.statusCode() == 200) {
          ok++;
        } else {
          assertEquals(503, r.statusCode(), ServedFields.text(r));
          assertEquals("1", r.headers().firstValue("Retry-After").orElse(""));
          busy++;
        }
      }
      clients.shutdown();
      assertTrue(ok >= 1 && busy >= 1, ok + " served, " + busy + " turned away");
      assertEquals(200, fields.get(server, "/iiif/3/plain/info.json").statusCode(), "and it serves again after");
    }
  }

  @Test
  void aFieldThatCannotBeReadIsA500AndALogLine() throws Exception {
    ServedFields gone = new ServedFields(tmp.resolve("gone"));
    ByteArrayOutputStream said = new ByteArrayOutputStream();
    PrintStream log = new PrintStream(said, true, StandardCharsets.UTF_8);
    try (ServeCommand.Running server = ServeCommand.start(gone.options(1, 4, 1 << 20), log, log);
        Stream<Path> files = Files.list(tmp.resolve("gone").resolve("fields"))) {
      for (Path f : files.filter(f -> f.getFileName().toString().startsWith("part-")).toList()) {
        Files.delete(f); // indexed, then gone (a deletion, a store that is away)
      }
      HttpResponse<byte[]> r = gone.get(server, "/iiif/3/plain/full/max/0/default.png");
      assertEquals(500, r.statusCode());
      assertTrue(ServedFields.text(r).startsWith("could not read the field"), ServedFields.text(r));
      assertTrue(said.toString(StandardCharsets.UTF_8).contains("p2g: serve: could not read the field of 'plain'"),
          said.toString(StandardCharsets.UTF_8));
      assertEquals(200, gone.get(server, "/iiif/3/plain/info.json").statusCode(), "the rest still answers");
    }
  }

  @Test
  void theViewerAsksForTilesAndGetsImages() throws Exception {
    Chromium chromium = Chromium.find();
    try (ServeCommand.Running server = fields.start(fields.options(2, 64, 64L << 20))) {
      boolean bundled = fields.get(server, "/viewer/openseadragon.min.js").statusCode() == 200;
      if (!bundled && !"true".equals(System.getenv("CI"))) {
        Assumptions.abort("the build found no npm, so the viewer is not bundled: page check skipped");
      }
      assertTrue(bundled, "under CI=true the build bundles OpenSeadragon (.ci/run installs npm)");
      String url = "http://127.0.0.1:" + server.server().port() + "/view/tiled%2Fone";
      Chromium.Page page = chromium.dumpDom(url, 8000);
      assertTrue(page.dom().contains("openseadragon-canvas"), page.dom());
      assertTrue(server.server().imagesServed() > 0, "no tile was asked for: " + page.console());
      assertEquals(List.of(), page.console(), "console messages of the viewer page");
    }
  }
}
