package io.switchboard.engine;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A connection's handler context for models without an event loop of their own (the blocking
 * models, and {@code aio}, whose completion handlers run on any thread of a pool): a lock that
 * the reading thread holds while it runs the handler, plus a queue for callbacks that other
 * threads raise meanwhile.
 *
 * <p>Other threads never wait for the lock ("lock or delegate"): they queue the task and run the
 * queue only if the lock is free; otherwise the holder runs it before it lets go. So a chat
 * member's reader that aborts another member, while that member's reader aborts the first, cannot
 * deadlock, and a callback raised inside a handler call (say {@code writabilityChanged} from a
 * {@code send}) runs after that call returns, not nested in it.
 *
 * <p>Thread contract: all methods may be called from any thread.
 */
public final class SerialContext {
  private final ReentrantLock lock = new ReentrantLock();
  private final ConcurrentLinkedQueue<Runnable> pending = new ConcurrentLinkedQueue<>();

  /** Runs {@code task} in the context, now if it is free, else after the holder's current work. */
  public void execute(Runnable task) {
    pending.add(task);
    drain();
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
