package dev.p2g.spark;

import dev.p2g.pyramid.FileSink;
import dev.p2g.pyramid.ImageSink;
import dev.p2g.pyramid.ShardSink;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.TaskContext;

/** Opens a render task's ImageSink for its --pyramid-layout, and drops its open shards if the task fails. */
final class TaskSinks {
  private TaskSinks() {}

  static ImageSink open(RenderSettings settings, Configuration hadoop) {
    if (!settings.pyramid().sharded()) {
      return new FileSink(settings.layout(), hadoop);
    }
    TaskContext task = TaskContext.get();
    // the random part makes names unique per attempt, also across runs and stages with equal ids
    String random = UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    String prefix = task == null ? "part-" + random
        : String.format("part-%05d-a%d-%s", task.partitionId(), task.attemptNumber(), random);
    ImageSink sink = ShardSink.of(settings.pyramid(), settings.layout(), settings.shardSize(), hadoop, prefix,
        settings.runStarted().getTime() / 1000);
    if (task != null) {
      task.addTaskFailureListener((org.apache.spark.util.TaskFailureListener) (context, error) -> sink.abort());
    }
    return sink;
  }
}
