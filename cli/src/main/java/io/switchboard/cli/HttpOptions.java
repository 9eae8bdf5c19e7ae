package io.switchboard.cli;

import io.switchboard.engine.Application;
import io.switchboard.http.HttpServer;
import io.switchboard.http.HttpSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code serve}'s options for the web server ({@code --app http}), as a picocli mixin; the served
 * directory is the shared {@code --root} of {@link ServeCommand}.
 *
 * <p>Thread contract: filled in by picocli on the main thread, then only read.
 */
final class HttpOptions {

  @Option(
      names = "--listing",
      description = "http: list a directory that has no index.html (default: 403 Forbidden).")
  boolean listing;

  @Option(
      names = "--worker-threads",
      paramLabel = "N",
      description =
          "http: compute the calculator's answers on a pool of N threads (Grizzly's"
              + " worker-thread strategy), so a heavy request does not hold up the event loop;"
              + " 0 computes on the connection's own thread (default: ${DEFAULT-VALUE}).")
  int workerThreads;

  @Option(
      names = "--worker-queue",
      paramLabel = "N",
      description =
          "http: requests that may wait for a worker; one more gets 503 Service Unavailable"
              + " (default: ${DEFAULT-VALUE}).")
  int workerQueue = HttpSettings.DEFAULT_WORKER_QUEUE;

  /** The rules of the web server's options, each said with its flag. */
  void validate() {
    OptionChecks.atLeast("--worker-threads", workerThreads, 0);
    OptionChecks.atLeast("--worker-queue", workerQueue, 0);
  }

  /** The web server serving {@code root} (the built-in site when {@code null}). */
  Application<?> application(Path root) {
    if (root != null && !Files.isDirectory(root)) {
      throw new IllegalArgumentException("--root " + root + " is not a directory");
    }
    return HttpServer.application(
        HttpSettings.DEFAULT
            .withRoot(root)
            .withListing(listing)
            .withWorkers(workerThreads, workerQueue));
  }
}
