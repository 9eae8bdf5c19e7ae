package io.switchboard.engine.spi;

import io.switchboard.engine.Server;
import io.switchboard.engine.ServerStats;
import java.net.InetSocketAddress;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The lifecycle every model shares: the start and stop log lines, and graceful shutdown in the same
 * three steps everywhere (stop accepting, drain and close connections, stop threads).
 *
 * <p>Thread contract: {@link #shutdown()} may be called from any thread, any number of times; every
 * caller returns once the server has stopped.
 */
public abstract class AbstractServer implements Server {
  private static final System.Logger LOG = System.getLogger("io.switchboard.server");

  protected final ConnectionGroup connections;
  private final String description;
  private final AtomicBoolean stopping = new AtomicBoolean();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile InetSocketAddress localAddress;

  /**
   * @param description the model and its settings, e.g. {@code "select (selector=epoll)"}
   */
  protected AbstractServer(ConnectionGroup connections, String description) {
    this.connections = connections;
    this.description = description;
  }

  /** Call once the listener is bound: records the address and logs the start. */
  public final void started(InetSocketAddress address) {
    this.localAddress = address;
    connections.startSweep();
    // The address is the banner's ("... listening on ADDRESS", on stdout); the log line adds what
    // the banner leaves out, so a terminal does not show the same line twice.
    LOG.log(
        System.Logger.Level.INFO,
        "{0} on {1} started with {2}",
        connections.application().name(),
        description,
        connections.limits());
  }

  @Override
  public final InetSocketAddress localAddress() {
    return localAddress;
  }

  @Override
  public final int connectionCount() {
    return connections.count();
  }

  @Override
  public final ServerStats stats() {
    return connections.stats();
  }

  @Override
  public final void shutdown() {
    if (!stopping.compareAndSet(false, true)) {
      awaitStopped();
      return;
    }
    try {
      LOG.log(
          System.Logger.Level.INFO,
          "{0} on {1} stopping: {2} connections open",
          connections.application().name(),
          description,
          connections.count());
      stopAccepting();
      int aborted = connections.closeAll(connections.limits().shutdownDeadline());
      stopThreads();
      LOG.log(
          System.Logger.Level.INFO,
          "{0} on {1} stopped{2}",
          connections.application().name(),
          description,
          aborted == 0 ? "" : " (" + aborted + " connections aborted at the deadline)");
    } finally {
      stopped.countDown();
    }
  }

  private void awaitStopped() {
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Closes the listener; no connection is accepted after this returns. */
  protected abstract void stopAccepting();

  /** Releases the model's threads; every connection is closed by now. */
  protected abstract void stopThreads();

  public static String hostAndPort(InetSocketAddress address) {
    return address.getAddress().getHostAddress() + ":" + address.getPort();
  }
}
