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

  private final Acceptor<?> acceptor;
  private final ArrayList<NioConnection<?>> connections = new ArrayList<>();
  private final ArrayList<NioConnection<?>> stalled = new ArrayList<>();
  private long backoffNanos = MIN_BACKOFF_NANOS;
  private long acceptResumeAt;
  private boolean acceptPaused;

  PollingLoop(String name, Acceptor<?> acceptor) {
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
    for (int i = 0; i < connections.size(); ) {
      NioConnection<?> connection = connections.get(i);
      if (connection.isClosed()) {
        removeAt(connections, i);
        continue;
      }
      if (connection.readsEnabled && read(connection)) {
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
      NioConnection<?> connection = stalled.get(i);
      if (connection.writeStalled && !connection.isClosed()) {
        long before = connection.queuedBytes();
        connection.flush();
        progress |= connection.queuedBytes() != before;
      }
      if (!connection.writeStalled || connection.isClosed()) {
        removeAt(stalled, i);
        continue;
      }
      i++;
    }
    runDeferred();
    return progress;
  }

  /** Order does not matter to a poller, so removal swaps in the last element (O(1)). */
  private static void removeAt(List<NioConnection<?>> list, int index) {
    int last = list.size() - 1;
    list.set(index, list.get(last));
    list.remove(last);
  }

  @Override
  void register(NioConnection<?> connection) {
    connections.add(connection);
    opened(connection);
  }

  @Override
  protected void interestChanged(NioConnection<?> connection) {
    // Reads need nothing: every pass checks readsEnabled. A stall joins the retry list once; it
    // leaves it in retryStalledWrites, the only place where a stalled connection can un-stall.
    if (connection.writeStalled) {
      stalled.add(connection);
    }
  }

  @Override
  protected void closeResources() {
    for (NioConnection<?> connection : new ArrayList<>(connections)) {
      connection.abort(new IOException("event loop stopped"));
    }
    connections.clear();
    stalled.clear();
  }
}
