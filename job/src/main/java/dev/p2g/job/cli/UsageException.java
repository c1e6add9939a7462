package dev.p2g.job.cli;

/** A bad command line: one clear line for the user, exit code 2. */
public final class UsageException extends Exception {
  public UsageException(String message) {
    super(message);
  }
}
