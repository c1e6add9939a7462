package dev.p2g.job.common;

/** The job's exit codes, which scripts and schedulers act on. */
public final class ExitCodes {
  private ExitCodes() {}

  public static final int OK = 0;
  /** The job cannot go on, or too many images failed (--max-error-fraction). */
  public static final int SYSTEMIC = 1;
  /** The command line or the config file is wrong; nothing ran. */
  public static final int USAGE = 2;
}
