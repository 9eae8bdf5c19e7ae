package io.switchboard.engine;

import java.net.InetSocketAddress;

/** A running server: where it listens, how many it serves, and how to stop it gracefully. */
public interface Server extends AutoCloseable {

  /** The bound address, with the real port when port 0 was asked for. */
  InetSocketAddress localAddress();

  /** Connections open right now. */
  int connectionCount();

  /** The server's counters since it started, for metrics. */
  ServerStats stats();

  /**
   * Stops accepting, asks every connection to close after its queued output is written, waits for
   * that until {@link Limits#shutdownDeadline()}, then aborts whatever is left and releases the
   * engine's threads. Blocks until all of that is done. Idempotent.
   */
  void shutdown();

  /** Same as {@link #shutdown()}. */
  @Override
  default void close() {
    shutdown();
  }
}
