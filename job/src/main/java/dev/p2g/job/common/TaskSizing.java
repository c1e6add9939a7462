package dev.p2g.job.common;

/**
 * How much work a Spark task and a chunk get: what encode and render size their tasks by, and
 * what {@code --help} quotes as the defaults of --partitions and --commit-every.
 */
public final class TaskSizing {
  private TaskSizing() {}

  /** Enough images per task that Spark's per-task overhead stays small next to model runs. */
  public static final int IMAGES_PER_PARTITION = 64;
  /**
   * Small images go more to a task, up to about this many bytes of sources (64 images of 256 KB):
   * a task of 64 tiny images is mostly Spark's overhead, and the fields/ file it writes mostly
   * Parquet's; a table of many small files is slow to plan over, since every later run reads
   * their footers (100,000 16x16 images: 1,568 files, a re-run 36 s; 196 files, 19 s).
   */
  public static final long TASK_SOURCE_BYTES = 16L << 20;
  /** At most this many images a task, however small: a task stays minutes, not hours. */
  public static final int MAX_IMAGES_PER_PARTITION = 4096;

  /**
   * Tasks per core at least, when there are images enough: a few images of very different cost
   * (a 512 x 320 photo takes 16 times a 128 x 96 card) then go one a task, heaviest first, and
   * the slots take them as they free up instead of waiting on one task that drew the heavy ones.
   */
  public static final int TASKS_PER_CORE = 4;

  /**
   * Tasks per chunk by default, per task slot of the application: four waves, so the idle tail of
   * a chunk stays a small share of it.
   */
  public static final int WAVES = 4;
}
