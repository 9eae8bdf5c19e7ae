package io.switchboard.engine.spi;

import io.switchboard.engine.Application;
import io.switchboard.engine.Limits;
import io.switchboard.engine.ServerStats;
import java.io.IOException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.WritableByteChannel;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A server's connections, written once for every model: admission against {@link
 * Limits#maxConnections()}, the polite refusal, the sweep that enforces the idle, frame and close
 * timeouts, and the graceful close of all at shutdown.
 *
 * <p>Thread contract: every method may be called from any thread.
 */
public final class ConnectionGroup {
  private static final System.Logger LOG = System.getLogger("io.switchboard.connections");
  private static final long REFUSAL_LOG_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final Limits limits;
  private final Application<?> app;
  private final AtomicLong ids = new AtomicLong();

  /** Admitted connections, including those accepted but not yet registered. */
  private final AtomicInteger admitted = new AtomicInteger();

  private final Set<AbstractConnection<?>> open = ConcurrentHashMap.newKeySet();
  private final ServerCounters counters = new ServerCounters(this);

  /** Refusals not yet logged: a storm of them is logged as one line a second, with the count. */
  private final AtomicLong refusalsToLog = new AtomicLong();

  private volatile long refusalLoggedNanos = System.nanoTime() - REFUSAL_LOG_NANOS;
  private final Object drained = new Object();
  private volatile ScheduledExecutorService sweeper;

  public ConnectionGroup(Application<?> app, Limits limits) {
    this.app = app;
    this.limits = limits;
  }

  public Limits limits() {
    return limits;
  }

  public Application<?> application() {
    return app;
  }

  /** The counters every connection of this group adds to. */
  ServerCounters counters() {
    return counters;
  }

  /** The server's figures, for {@link io.switchboard.engine.Server#stats()}. */
  public ServerStats stats() {
    return counters;
  }

  /** Bytes queued and not yet written, over all open connections. */
  long queuedBytes() {
    long total = 0;
    for (AbstractConnection<?> connection : open) {
      total += connection.queuedBytes();
    }
    return total;
  }

  long nextId() {
    return ids.incrementAndGet();
  }

  /**
   * Takes one of the {@link Limits#maxConnections()} places; false if none is free. A caller that
   * gets true must either {@link #register} a connection or {@link #release()} the place.
   */
  public boolean tryAdmit() {
    while (true) {
      int current = admitted.get();
      if (current >= limits.maxConnections()) {
        return false;
      }
      if (admitted.compareAndSet(current, current + 1)) {
        return true;
      }
    }
  }

  /** Gives back a place taken by {@link #tryAdmit()} for a connection that never registered. */
  public void release() {
    admitted.decrementAndGet();
    signalDrained();
  }

  /**
   * Turns away a client the server has no place for: the application's one-line refusal, written
   * without blocking (it fits any socket buffer), then close. Other connections do not notice.
   */
  public void refuse(WritableByteChannel channel) {
    try (channel) {
      if (channel instanceof SelectableChannel selectable) {
        selectable.configureBlocking(false);
      }
      channel.write(app.refusal());
    } catch (IOException e) {
      // The client left first; nothing to tell it.
    }
    refused();
  }

  /**
   * Counts and logs a refusal; for models that write the refusal their own way (aio, netty), {@link
   * #refuse} does it for the others.
   */
  public void refused() {
    counters.refused.increment();
    logRefusal();
  }

  /** One line per refusal, but at most one a second in a storm, with the count since. */
  private void logRefusal() {
    refusalsToLog.incrementAndGet();
    long now = System.nanoTime();
    long last = refusalLoggedNanos;
    if (now - last < REFUSAL_LOG_NANOS) {
      return;
    }
    refusalLoggedNanos = now;
    long count = refusalsToLog.getAndSet(0);
    if (count > 0) {
      LOG.log(
          System.Logger.Level.INFO,
          "{0}: refused {1} (--max-connections {2} reached)",
          app.name(),
          count == 1 ? "a connection" : count + " connections",
          limits.maxConnections());
    }
  }

  /** Records an admitted connection as open. */
  public void register(AbstractConnection<?> connection) {
    open.add(connection);
    counters.accepted.increment();
    if (LOG.isLoggable(System.Logger.Level.INFO)) {
      LOG.log(
          System.Logger.Level.INFO,
          "{0}: {1} accepted ({2} open)",
          app.name(),
          connection,
          admitted.get());
    }
  }

  void unregister(AbstractConnection<?> connection) {
    if (open.remove(connection)) {
      givePlaceBack(connection);
    }
  }

  /**
   * Frees {@code connection}'s place now, though it is still open: a dropped connection counts no
   * more, while it stays in the group for the sweep that bounds its close and for shutdown.
   */
  void givePlaceBack(AbstractConnection<?> connection) {
    if (connection.releasePlace()) {
      release();
    }
  }

  /** Connections admitted and not yet closed, less those dropped (they hold no place). */
  public int count() {
    return admitted.get();
  }

  /**
   * Starts the sweep that enforces the per-connection timeouts ({@link Limits#idleTimeout()},
   * {@link Limits#frameTimeout()}, {@link Limits#closeTimeout()}, {@link Limits#dropTimeout()}) on
   * every connection.
   */
  // The sweep ends by shutting its executor down, not through the future; nothing it runs may
  // throw out of it, because a periodic task that throws is silently never run again.
  @SuppressWarnings("FutureReturnValueIgnored")
  public void startSweep() {
    // Sweeping four times per shortest timeout enforces each within 1.25 times its length.
    long shortest = Math.min(limits.closeTimeout().toMillis(), limits.dropTimeout().toMillis());
    if (limits.hasIdleTimeout()) {
      shortest = Math.min(shortest, limits.idleTimeout().toMillis());
    }
    if (limits.hasFrameTimeout()) {
      shortest = Math.min(shortest, limits.frameTimeout().toMillis());
    }
    long periodMillis = Math.max(10, shortest / 4);
    ScheduledExecutorService sweeper =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread thread = new Thread(r, app.name() + "-timeouts");
              thread.setDaemon(true);
              return thread;
            });
    sweeper.scheduleAtFixedRate(
        () -> {
          long now = System.nanoTime();
          for (AbstractConnection<?> connection : open) {
            try {
              connection.sweep(now, limits);
            } catch (RuntimeException e) { // not expected: the connection contains its handler
              LOG.log(System.Logger.Level.WARNING, "timing out " + connection + " failed", e);
            }
          }
        },
        periodMillis,
        periodMillis,
        TimeUnit.MILLISECONDS);
    this.sweeper = sweeper;
  }

  /**
   * Asks every connection to close after its queued output is written, waits until all have closed
   * or {@code drainUntil} ({@link System#nanoTime()}) passes, then aborts those left. The aborts
   * run the handlers' {@code closed} callbacks, which on some models would run on the calling
   * thread: they run on a thread of their own, waited for until {@code abortUntil} at the most, so
   * a slow handler cannot hold the shutdown past its deadline.
   *
   * @return how many connections had to be aborted
   */
  public int closeAll(long drainUntil, long abortUntil) {
    open.forEach(AbstractConnection::serverStopping);
    synchronized (drained) {
      while (admitted.get() > 0) {
        long left = drainUntil - System.nanoTime();
        if (left <= 0) {
          break;
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(drained, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    List<AbstractConnection<?>> left = List.copyOf(open);
    if (!left.isEmpty()) {
      Thread aborts =
          Thread.ofPlatform()
              .name(app.name() + "-shutdown-aborts")
              .daemon()
              .start(
                  () -> {
                    for (AbstractConnection<?> connection : left) {
                      connection.abort(
                          "server shutdown, output not drained by the deadline",
                          new IOException("server shut down before the output drained"));
                    }
                  });
      AbstractServer.join(aborts, abortUntil);
    }
    ScheduledExecutorService timeouts = sweeper;
    if (timeouts != null) {
      timeouts.shutdownNow();
    }
    return left.size();
  }

  private void signalDrained() {
    if (admitted.get() == 0) {
      synchronized (drained) {
        drained.notifyAll();
      }
    }
  }
}
