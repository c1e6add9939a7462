package dev.p2g.job.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class FieldCacheTest {
  /** Values are byte arrays weighing their length. */
  private final FieldCache<byte[]> cache = new FieldCache<>(100, b -> b.length);
  private final AtomicInteger loads = new AtomicInteger();

  private byte[] load(String name, int size) throws IOException {
    return cache.get(name, n -> {
      loads.incrementAndGet();
      return new byte[size];
    });
  }

  @Test
  void keepsTheMostRecentlyUsedWithinTheBudget() throws IOException {
    byte[] a = load("a", 40);
    load("b", 40);
    assertSame(a, load("a", 40), "a kept");
    load("c", 40); // 120 > 100: b, the least recently used, goes
    assertEquals(3, loads.get());
    assertEquals(80, cache.bytes());
    load("a", 40);
    load("c", 40);
    assertEquals(3, loads.get(), "a and c kept");
    load("b", 40);
    assertEquals(4, loads.get(), "b was dropped");
    assertTrue(cache.bytes() <= 100, "within the budget: " + cache.bytes());
  }

  @Test
  void aValueOverTheBudgetIsHandedOutNotKept() throws IOException {
    load("small", 10);
    assertEquals(200, load("huge", 200).length);
    assertEquals(10, cache.bytes(), "the small one stays, the huge one is not kept");
    load("huge", 200);
    assertEquals(3, loads.get());
  }

  @Test
  void aFailedLoadIsNotKept() throws IOException {
    IOException failure = assertThrows(IOException.class, () -> cache.get("x", n -> {
      throw new IOException("unreadable " + n);
    }));
    assertEquals("unreadable x", failure.getMessage());
    assertEquals(5, load("x", 5).length, "the next request loads again");
  }

  @Test
  void concurrentRequestsForOneNameLoadItOnce() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<byte[]>> got = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        got.add(pool.submit(() -> cache.get("shared", n -> {
          loads.incrementAndGet();
          try {
            release.await(10, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            throw new IOException(e);
          }
          return new byte[7];
        })));
      }
      Thread.sleep(200); // the eight are waiting on the one load
      release.countDown();
      byte[] first = got.get(0).get(10, TimeUnit.SECONDS);
      for (Future<byte[]> f : got) {
        assertSame(first, f.get(10, TimeUnit.SECONDS));
      }
      assertEquals(1, loads.get());
    } finally {
      pool.shutdownNow();
    }
  }
}
