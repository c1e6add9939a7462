package dev.p2g.job.serve;

/**
 * A request the IIIF Image API answers with an error status (400 bad syntax or impossible
 * geometry, 404 unknown identifier, 501 a feature this server does not implement) and a one-line
 * reason for the response body.
 */
public final class IiifException extends RuntimeException {
  private final int status;

  public IiifException(int status, String reason) {
    super(reason);
    this.status = status;
  }

  public int status() {
    return status;
  }

  static IiifException badRequest(String reason) {
    return new IiifException(400, reason);
  }

  static IiifException notImplemented(String reason) {
    return new IiifException(501, reason);
  }
}
