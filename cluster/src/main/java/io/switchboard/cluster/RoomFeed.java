package io.switchboard.cluster;

import io.switchboard.chat.RoomReplica;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One room this node follows: its copy, how far the copy is in the room's order (the last number
 * applied and the room's epoch), and the commits of this node waiting to be applied.
 *
 * <p>Thread contract: the order ({@link #lastSeq}, {@link #epoch}, {@link #loaded}) is changed
 * under this object's monitor, by the applier thread (and by whoever follows the room, once);
 * {@link #waitFor} is called from Lettuce's threads, which must never wait on that monitor (the
 * applier holds it while it asks Redis), so the waiting commits have a lock of their own.
 */
final class RoomFeed {
  final String key;
  final String channel;
  final RoomReplica replica;

  long lastSeq; // guarded by this
  String epoch; // guarded by this
  boolean loaded; // guarded by this
  volatile boolean closed;

  /** Applied so far, readable without the monitor. */
  private volatile long applied;

  /** The commit whose delivery the bus checks next (0: no check scheduled). */
  private final AtomicLong watched = new AtomicLong();

  /** This node's commits, by number, until applied; guarded by itself. */
  private final TreeMap<Long, CompletableFuture<Void>> waiting = new TreeMap<>();

  RoomFeed(String key, String channel, RoomReplica replica) {
    this.key = key;
    this.channel = channel;
    this.replica = replica;
  }

  /** Completes {@code done} once update {@code seq} is applied here (at once if it is). */
  void waitFor(long seq, CompletableFuture<Void> done) {
    synchronized (waiting) {
      if (seq > applied && !closed) {
        waiting.put(seq, done);
        return;
      }
    }
    done.complete(null);
  }

  /** True while this node's commit {@code seq} is not applied yet. */
  boolean behind(long seq) {
    return seq > applied && !closed;
  }

  /** Takes commit {@code seq} as the one to check; false if a check is scheduled already. */
  boolean watch(long seq) {
    return watched.compareAndSet(0, seq);
  }

  /** The commit to check now, and the check is no longer scheduled. */
  long unwatch() {
    return watched.getAndSet(0);
  }

  /** The newest of this node's commits not applied yet, 0 if none. */
  long newestWaiting() {
    synchronized (waiting) {
      return waiting.isEmpty() ? 0 : waiting.lastKey();
    }
  }

  /** The copy is at {@code seq} now: the commits up to it are done. Called under the monitor. */
  void appliedUpTo(long seq) {
    lastSeq = seq;
    complete(seq);
  }

  /** Lets every waiting commit go (the room is no longer followed here). */
  void release() {
    complete(Long.MAX_VALUE);
  }

  /**
   * The room's numbers started again (Redis lost the room and it was made anew): the copy is at
   * {@code seq} of the new numbering, and every commit waiting under the old one is let go. Called
   * under the monitor.
   */
  void restart(long seq) {
    complete(Long.MAX_VALUE);
    synchronized (waiting) {
      applied = seq;
    }
    lastSeq = seq;
  }

  private void complete(long seq) {
    CompletableFuture<Void>[] done;
    synchronized (waiting) {
      applied = Math.max(applied, seq);
      var head = waiting.headMap(seq, true);
      @SuppressWarnings("unchecked")
      CompletableFuture<Void>[] ready = head.values().toArray(new CompletableFuture[0]);
      done = ready;
      head.clear();
    }
    for (CompletableFuture<Void> future : done) {
      future.complete(null);
    }
  }
}
