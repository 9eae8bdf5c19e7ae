package io.switchboard.engine.spi;

import io.switchboard.engine.Server;
import io.switchboard.engine.ServerStats;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The lifecycle every model shares: the start and stop log lines, and graceful shutdown in the same
 * three steps everywhere (stop accepting, drain and close connections, stop threads), all within
 * one deadline: connections get {@link io.switchboard.engine.Limits#shutdownDeadline()} from the
 * start of the shutdown to drain, and the model's threads at most {@link #THREAD_GRACE} more to
 * end, after which {@link #shutdown()} returns whatever they are doing (a process then exits; a
 * thread busy with a handler that never returns cannot hold it).
 *
 * <p>Thread contract: {@link #shutdown()} may be called from any thread, any number of times; every
 * caller returns once the server has stopped.
 */
public abstract class AbstractServer implements Server {
  private static final System.Logger LOG = System.getLogger("io.switchboard.server");

  /**
   * How long, after the drain deadline, the aborts of the connections left and the model's threads
   * may take to end before {@link #shutdown()} returns regardless.
   */
  public static final Duration THREAD_GRACE = Duration.ofSeconds(1);

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
      long drainEnd = System.nanoTime() + connections.limits().shutdownDeadline().toNanos();
      long end = drainEnd + THREAD_GRACE.toNanos();
      stopAccepting(drainEnd);
      int aborted = connections.closeAll(drainEnd, end);
      stopThreads(end);
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

  /**
   * Closes the listener; no connection is accepted after this returns. Waits for nothing past
   * {@code untilNanos} ({@link System#nanoTime()}).
   */
  protected abstract void stopAccepting(long untilNanos);

  /**
   * Releases the model's threads; every connection is closed by now. Waits for them until {@code
   * untilNanos} ({@link System#nanoTime()}) at the most.
   */
  protected abstract void stopThreads(long untilNanos);

  /**
   * Waits for {@code thread} to end, but not past {@code untilNanos}; false if it is still alive.
   */
  public static boolean join(Thread thread, long untilNanos) {
    try {
      long left = untilNanos - System.nanoTime();
      if (left > 0) {
        thread.join(Duration.ofNanos(left));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return !thread.isAlive();
  }

  /** Nanoseconds from now until {@code untilNanos}, at least 0. */
  public static long nanosLeft(long untilNanos) {
    return Math.max(0, untilNanos - System.nanoTime());
  }

  public static String hostAndPort(InetSocketAddress address) {
    return address.getAddress().getHostAddress() + ":" + address.getPort();
  }
}
