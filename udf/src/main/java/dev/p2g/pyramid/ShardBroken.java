package dev.p2g.pyramid;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A shard could not be written or published. The images already in it have their manifest rows
 * in the task's output, so the task must fail (Spark runs it again, into new shards) rather than
 * record one image's error and go on with a shard that may be cut short.
 */
public final class ShardBroken extends UncheckedIOException {
  public ShardBroken(String message, IOException cause) {
    super(message, cause);
  }
}
