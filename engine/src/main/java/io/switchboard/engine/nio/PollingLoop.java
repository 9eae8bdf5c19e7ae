package io.switchboard.engine.nio;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * The loop without a selector: one thread walks every channel in turn, trying to accept, to read
 * each connection and to write each stalled one, all non-blocking. Nobody tells it which socket is
 * ready, so every pass costs one system call per connection whether or not it has data.
 *
 * <p>A pass that found nothing to do parks the thread, for 50 µs at first and twice as long after
 * each further idle pass, up to 10 ms; any progress resets it. So an idle server sleeps instead of
 * spinning a core, at the price of up to 10 ms latency for the first message after a quiet spell. A
 * task from another thread (a send, a close) unparks it at once.
 *
 * <p>Thread contract: as {@link EventLoop}; everything here runs on the loop thread except {@link
 * #wakeup}.
 */
final class PollingLoop extends EventLoop {
  static final long MIN_BACKOFF_NANOS = 50_000;
  static final long MAX_BACKOFF_NANOS = 10_000_000;

  private final Acceptor<?, ?> acceptor;

  /** Every connection this loop owns, with its wishes; order does not matter to a poller. */
  private final ArrayList<Polled> polled = new ArrayList<>();

  /** The connections whose output is stalled: each pass retries their writes. */
  private final ArrayList<Polled> stalled = new ArrayList<>();

  private long backoffNanos = MIN_BACKOFF_NANOS;
  private long acceptResumeAt;
  private boolean acceptPaused;

  /** One connection's wishes, kept where the poller reads them on each pass. */
  private final class Polled implements Readiness {
    final NioConnection<?> connection;
    boolean read = true;
    boolean write;
    boolean cancelled;

    Polled(NioConnection<?> connection) {
      this.connection = connection;
    }

    @Override
    public void interest(boolean read, boolean write) {
      this.read = read;
      if (write && !this.write) {
        stalled.add(this); // it leaves that list in retryStalledWrites, where it can un-stall
      }
      this.write = write;
    }

    @Override
    public void cancel() {
      cancelled = true;
    }

    boolean gone() {
      return cancelled || connection.isClosed();
    }
  }

  PollingLoop(String name, Acceptor<?, ?> acceptor) {
    super(name);
    this.acceptor = acceptor;
  }

  @Override
  void wakeup() {
    LockSupport.unpark(thread());
  }

  @Override
  protected void awaitAndProcess(boolean worked) {
    boolean progress = worked;
    progress |= tryAccept();
    for (int i = 0; i < polled.size(); ) {
      Polled entry = polled.get(i);
      if (entry.gone()) {
        removeAt(polled, i);
        continue;
      }
      if (entry.read && readAndFlush(entry.connection)) {
        progress = true;
      }
      i++;
    }
    progress |= retryStalledWrites();
    if (progress) {
      backoffNanos = MIN_BACKOFF_NANOS;
    } else if (!hasTasks()) {
      LockSupport.parkNanos(this, backoffNanos);
      backoffNanos = Math.min(backoffNanos * 2, MAX_BACKOFF_NANOS);
    }
  }

  private boolean tryAccept() {
    if (acceptPaused) {
      if (System.nanoTime() - acceptResumeAt < 0) {
        return false;
      }
      acceptPaused = false;
    }
    if (!acceptor.listener().isOpen()) {
      return false;
    }
    int accepted = acceptor.acceptAvailable(this);
    if (accepted < 0) {
      acceptPaused = true;
      acceptResumeAt = System.nanoTime() + Acceptor.BACKOFF_NANOS;
      return false;
    }
    return accepted > 0;
  }

  private boolean retryStalledWrites() {
    boolean progress = false;
    for (int i = 0; i < stalled.size(); ) {
      Polled entry = stalled.get(i);
      if (entry.write && !entry.gone()) {
        long before = entry.connection.queuedBytes();
        entry.connection.writeReady();
        progress |= entry.connection.queuedBytes() != before;
      }
      if (!entry.write || entry.gone()) {
        removeAt(stalled, i);
        continue;
      }
      i++;
    }
    runDeferred();
    return progress;
  }

  /** Order does not matter to a poller, so removal swaps in the last element (O(1)). */
  private static void removeAt(List<Polled> list, int index) {
    int last = list.size() - 1;
    list.set(index, list.get(last));
    list.remove(last);
  }

  @Override
  void register(NioConnection<?> connection) {
    Polled entry = new Polled(connection);
    polled.add(entry);
    connection.registered(entry);
  }

  @Override
  protected void closeResources() {
    for (Polled entry : new ArrayList<>(polled)) {
      entry.connection.abort(new IOException("event loop stopped"));
    }
    polled.clear();
    stalled.clear();
  }
}
