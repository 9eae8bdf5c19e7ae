package io.switchboard.http;

import java.nio.file.Path;

/**
 * How the web server is set up, in one immutable value ({@code switchboard serve --app http}'s
 * options map onto it).
 *
 * @param root the directory served, or {@code null} for the small built-in site
 * @param listing list a directory that has no {@code index.html} (otherwise 403)
 * @param limits the bounds of one request
 * @param workerThreads run the calculator's work on a pool of this many threads; 0 runs it on the
 *     thread that serves the connection (on an event-loop model: the loop)
 * @param workerQueue requests that may wait for a worker; one more gets a 503
 */
public record HttpSettings(
    Path root, boolean listing, HttpLimits limits, int workerThreads, int workerQueue) {

  /** The default worker queue: a few seconds of heavy requests on a small machine. */
  public static final int DEFAULT_WORKER_QUEUE = 256;

  public static final HttpSettings DEFAULT =
      new HttpSettings(null, false, HttpLimits.DEFAULT, 0, DEFAULT_WORKER_QUEUE);

  public HttpSettings {
    if (limits == null) {
      throw new IllegalArgumentException("limits");
    }
    if (workerThreads < 0) {
      throw new IllegalArgumentException("workerThreads must not be negative: " + workerThreads);
    }
    if (workerQueue < 0) {
      throw new IllegalArgumentException("workerQueue must not be negative: " + workerQueue);
    }
  }

  public HttpSettings withRoot(Path value) {
    return new HttpSettings(value, listing, limits, workerThreads, workerQueue);
  }

  public HttpSettings withListing(boolean value) {
    return new HttpSettings(root, value, limits, workerThreads, workerQueue);
  }

  public HttpSettings withLimits(HttpLimits value) {
    return new HttpSettings(root, listing, value, workerThreads, workerQueue);
  }

  public HttpSettings withWorkers(int threads, int queue) {
    return new HttpSettings(root, listing, limits, threads, queue);
  }
}
