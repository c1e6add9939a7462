package dev.p2g.spark;

import dev.p2g.encode.FieldEncoder;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.function.IntSupplier;

/**
 * Groups a partition's decoded images for the model: whole images of one size (single tiles) in
 * groups of up to batch, a tiled image alone (its own tiles are batched by FieldEncoder.Tiles).
 * At most batch whole images wait for company, so a task holds at most batch decoded inputs
 * beyond the image in hand; mixed sizes then go in smaller groups, never in an unbounded wait.
 */
final class SameSizeGroups implements Iterator<List<FieldEncoder.Tiles>> {
  private final Iterator<FieldEncoder.Tiles> images;
  private final IntSupplier batch;
  private final Map<Long, List<FieldEncoder.Tiles>> waiting = new LinkedHashMap<>();
  private final ArrayDeque<List<FieldEncoder.Tiles>> ready = new ArrayDeque<>();
  private int waitingCount;

  /** batch is asked for once an image is in hand (the encoder that knows it opens with the first). */
  SameSizeGroups(Iterator<FieldEncoder.Tiles> images, IntSupplier batch) {
    this.images = images;
    this.batch = batch;
  }

  @Override
  public boolean hasNext() {
    while (ready.isEmpty() && images.hasNext()) {
      FieldEncoder.Tiles image = images.next();
      int batch = this.batch.getAsInt();
      if (!image.whole() || batch == 1) {
        ready.add(List.of(image));
        continue;
      }
      List<FieldEncoder.Tiles> group = waiting.computeIfAbsent(image.inputSizeKey(), k -> new ArrayList<>());
      group.add(image);
      waitingCount++;
      if (group.size() == batch) {
        release(image.inputSizeKey());
      } else if (waitingCount >= batch) {
        release(largestGroup());
      }
    }
    if (ready.isEmpty() && !waiting.isEmpty()) {
      release(largestGroup());
    }
    return !ready.isEmpty();
  }

  @Override
  public List<FieldEncoder.Tiles> next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    return ready.removeFirst();
  }

  private void release(long size) {
    List<FieldEncoder.Tiles> group = waiting.remove(size);
    waitingCount -= group.size();
    ready.add(group);
  }

  private long largestGroup() {
    long best = 0;
    int bestSize = -1;
    for (Map.Entry<Long, List<FieldEncoder.Tiles>> e : waiting.entrySet()) {
      if (e.getValue().size() > bestSize) {
        best = e.getKey();
        bestSize = e.getValue().size();
      }
    }
    return best;
  }
}
