package dev.p2g.job;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.blobstore.ForwardingBlobStore;
import org.gaul.s3proxy.blobstore.domain.MultipartUpload;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.CopyObjectRequest;
import software.amazon.awssdk.services.s3.model.CopyObjectResponse;
import software.amazon.awssdk.services.s3.model.UploadPartCopyRequest;
import software.amazon.awssdk.services.s3.model.UploadPartCopyResponse;

/**
 * A real S3 server for tests: S3Proxy on loopback over an in-memory store, with the keys given to
 * the job the way users give them. The server counts the requests that copy an object (CopyObject,
 * what S3A's rename sends for every object under its multipart threshold of 128 MB, and
 * UploadPartCopy above it) and the multipart uploads it completes, so a test can tell how a job
 * committed from the server's side, not from the client's own statistics.
 */
final class S3Store implements AutoCloseable {
  static final String ACCESS = "AKIAP2GTESTACCESS";
  static final String SECRET = "p2g-secret-7f3a9c1e-do-not-log";

  private final S3Proxy proxy;
  private final String endpoint;
  private final Counting store;
  private final String bucket;

  private S3Store(S3Proxy proxy, String endpoint, Counting store, String bucket) {
    this.proxy = proxy;
    this.endpoint = endpoint;
    this.store = store;
    this.bucket = bucket;
  }

  /**
   * bucket: one per test class. Hadoop caches a file system per bucket for the JVM, endpoint
   * and all, so a bucket name reused by a later server would reach the earlier one.
   */
  static S3Store start(String bucket) throws Exception {
    Counting store = new Counting(BlobStores.create("transient", new Properties()));
    S3Proxy proxy = S3Proxy.builder().blobStore(store).endpoint(URI.create("http://127.0.0.1:0"))
        .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS, SECRET).build();
    proxy.start();
    for (int i = 0; i < 100 && !"STARTED".equals(proxy.getState()); i++) {
      Thread.sleep(50);
    }
    store.createContainer(bucket);
    return new S3Store(proxy, "http://127.0.0.1:" + proxy.getPort(), store, bucket);
  }

  @Override
  public void close() throws Exception {
    proxy.stop();
  }

  /** The s3a settings as --conf arguments. */
  List<String> conf() {
    return conf(endpoint);
  }

  /** The s3a settings as --conf arguments, reaching the server at endpoint (a proxy in front of it). */
  List<String> conf(String endpoint) {
    List<String> args = new ArrayList<>();
    settings(endpoint).forEach((k, v) -> {
      args.add("--conf");
      args.add("spark.hadoop." + k + "=" + v);
    });
    return args;
  }

  /** A client of its own (not the job's cached one). */
  FileSystem fs() throws Exception {
    Configuration c = new Configuration();
    settings(endpoint).forEach(c::set);
    c.setBoolean("fs.s3a.impl.disable.cache", true);
    return FileSystem.get(URI.create(uri("/")), c);
  }

  String uri(String path) {
    return "s3a://" + bucket + path;
  }

  /** The server's port on loopback. */
  int port() {
    return proxy.getPort();
  }

  private Map<String, String> settings(String endpoint) {
    return Map.of(
        "fs.s3a.endpoint", endpoint,
        "fs.s3a.endpoint.region", "us-east-1",
        "fs.s3a.path.style.access", "true",
        "fs.s3a.connection.ssl.enabled", "false",
        "fs.s3a.access.key", ACCESS,
        "fs.s3a.secret.key", SECRET,
        "fs.s3a.aws.credentials.provider", "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider");
  }

  /** Keys copied from (CopyObject or UploadPartCopy), since the last reset. */
  List<String> copiedKeys() {
    return List.copyOf(store.copied);
  }

  /** Multipart uploads completed, since the last reset. */
  long completedUploads() {
    return store.completed.get();
  }

  /** Pending multipart uploads in the bucket now. */
  int pendingUploads() {
    return store.delegate().listMultipartUploads(bucket).size();
  }

  /**
   * Makes the server answer listing pending multipart uploads as stores that leave the call out
   * do: 501 Not Implemented (S3Proxy's answer to an operation its store does not support).
   */
  void refuseUploadListing(boolean refuse) {
    store.refuseListing = refuse;
  }

  /** How many times the server refused to list pending uploads. */
  long listingsRefused() {
    return store.refused.get();
  }

  void resetCounts() {
    store.copied.clear();
    store.completed.set(0);
  }

  private static final class Counting extends ForwardingBlobStore {
    final java.util.Queue<String> copied = new java.util.concurrent.ConcurrentLinkedQueue<>();
    final AtomicLong completed = new AtomicLong();
    final AtomicLong refused = new AtomicLong();
    volatile boolean refuseListing;

    Counting(BlobStore delegate) {
      super(delegate);
    }

    @Override
    public BlobStore delegate() {
      return super.delegate();
    }

    @Override
    public List<software.amazon.awssdk.services.s3.model.MultipartUpload> listMultipartUploads(String container) {
      if (refuseListing) {
        refused.incrementAndGet();
        throw new UnsupportedOperationException("listing multipart uploads is not implemented here");
      }
      return super.listMultipartUploads(container);
    }

    @Override
    public CopyObjectResponse copyBlob(CopyObjectRequest request) {
      copied.add(request.sourceKey());
      return super.copyBlob(request);
    }

    @Override
    public boolean supportsCopyMultipartPart() {
      return delegate().supportsCopyMultipartPart();
    }

    @Override
    public UploadPartCopyResponse copyMultipartPart(MultipartUpload upload, UploadPartCopyRequest request) {
      copied.add(request.sourceKey());
      return delegate().copyMultipartPart(upload, request);
    }

    @Override
    public CompleteMultipartUploadResponse completeMultipartUpload(MultipartUpload upload,
        CompleteMultipartUploadRequest request) {
      completed.incrementAndGet();
      return super.completeMultipartUpload(upload, request);
    }
  }
}
