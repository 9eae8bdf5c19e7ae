package io.switchboard.engine.spi;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A connection's handler context for models without an event loop of their own (the blocking
 * models, and {@code aio}, whose completion handlers run on any thread of a pool): a lock that the
 * reading thread holds while it runs the handler, plus a queue for callbacks that other threads
 * raise meanwhile.
 *
 * <p>Other threads never wait for the lock, and never run this connection's callbacks themselves:
 * they queue the task; the holder runs it before it lets go, or, when nobody holds the context, a
 * fresh virtual thread does. The thread that raised it may be another connection's handler in the
 * middle of a chat broadcast, holding the room's lock: running this connection's {@code closed}
 * there (which leaves rooms, taking their locks) would nest lock orders the app never chose, and
 * two such threads deadlocked. A callback raised inside this connection's own handler call (say
 * {@code writabilityChanged} from a {@code send}) runs after that call returns, not nested in it.
 *
 * <p>Thread contract: all methods may be called from any thread.
 */
public final class SerialContext {
  private final ReentrantLock lock = new ReentrantLock();
  private final ConcurrentLinkedQueue<Runnable> pending = new ConcurrentLinkedQueue<>();

  /** Runs {@code task} in the context after what is there, never nested in the caller's code. */
  public void execute(Runnable task) {
    pending.add(task);
    if (!lock.isHeldByCurrentThread() && !lock.isLocked()) {
      Thread.startVirtualThread(this::drain); // the holder, if any, drains when it lets go
    }
  }

  /** Runs {@code task} in the context, waiting for it to be free (for the thread that reads). */
  public void runNow(Runnable task) {
    lock.lock();
    try {
      task.run();
    } finally {
      lock.unlock();
    }
    drain();
  }

  private void drain() {
    if (lock.isHeldByCurrentThread()) {
      return; // the outer frame drains when it lets go
    }
    while (!pending.isEmpty() && lock.tryLock()) {
      try {
        for (Runnable task; (task = pending.poll()) != null; ) {
          task.run();
        }
      } finally {
        lock.unlock();
      }
    }
  }
}
