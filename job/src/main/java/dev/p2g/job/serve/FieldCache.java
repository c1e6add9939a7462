package dev.p2g.job.serve;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.function.ToLongFunction;

/**
 * Decoded values (fields) by name up to a budget of bytes, the least recently used dropped first.
 * Requests for a name being loaded wait for that load instead of starting their own: a viewer
 * asks for a dozen tiles of one image at once, and the field is decoded once. A value larger
 * than the whole budget is handed out but not kept; a failed load is not kept either. Names
 * carry what makes a value stale (the server uses key and encoded_at), so nothing is invalidated.
 */
final class FieldCache<V> {
  /** Loads the value of a name. */
  interface Loader<V> {
    V load(String name) throws IOException;
  }

  private final long budget;
  private final ToLongFunction<V> weigher;
  private final LinkedHashMap<String, V> kept = new LinkedHashMap<>(16, 0.75f, true);
  private final ConcurrentHashMap<String, CompletableFuture<V>> loading = new ConcurrentHashMap<>();
  private long bytes;

  FieldCache(long budget, ToLongFunction<V> weigher) {
    if (budget < 0) {
      throw new IllegalArgumentException("cache budget " + budget);
    }
    this.budget = budget;
    this.weigher = weigher;
  }

  V get(String name, Loader<V> loader) throws IOException {
    synchronized (this) {
      V v = kept.get(name);
      if (v != null) {
        return v;
      }
    }
    CompletableFuture<V> mine = new CompletableFuture<>();
    CompletableFuture<V> running = loading.putIfAbsent(name, mine);
    if (running != null) {
      return await(running);
    }
    try {
      V v = loader.load(name);
      keep(name, v);
      mine.complete(v);
      return v;
    } catch (IOException | RuntimeException | Error e) {
      mine.completeExceptionally(e);
      throw e;
    } finally {
      loading.remove(name, mine);
    }
  }

  synchronized long bytes() {
    return bytes;
  }

  synchronized int size() {
    return kept.size();
  }

  private synchronized void keep(String name, V v) {
    long w = weigher.applyAsLong(v);
    if (w > budget) {
      return;
    }
    V old = kept.put(name, v);
    bytes += w - (old == null ? 0 : weigher.applyAsLong(old));
    for (Iterator<Map.Entry<String, V>> it = kept.entrySet().iterator(); bytes > budget && it.hasNext(); ) {
      Map.Entry<String, V> eldest = it.next();
      bytes -= weigher.applyAsLong(eldest.getValue());
      it.remove();
    }
  }

  private static <V> V await(CompletableFuture<V> running) throws IOException {
    try {
      return running.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted waiting for a field being loaded", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException io) {
        throw io;
      }
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new UncheckedIOException(new IOException(cause));
    }
  }
}
