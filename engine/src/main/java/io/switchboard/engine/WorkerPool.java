package io.switchboard.engine;

import java.lang.System.Logger.Level;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A bounded pool for an application's heavy work, so that it runs off the thread that serves the
 * connection (Grizzly's "worker-thread" IO strategy). On the event-loop models ({@code poll},
 * {@code select}, {@code reactor}, {@code netty}) a handler runs on the loop, and while it
 * computes, every other connection of that loop waits; a handler that hands its heavy work to this
 * pool returns at once, the loop serves the others, and the worker hands the reply back with {@link
 * Connection#send}, which any thread may call. The app keeps the order of its replies (for HTTP, a
 * {@code ResponseQueue}): only it knows which replies must not overtake which.
 *
 * <p>Bounded both ways, and says so when full: {@code threads} workers and a queue of {@code
 * queueCapacity} tasks; {@link #execute} returns {@code false} when both are taken, and the app
 * answers "busy" in its own protocol (HTTP: 503). Idle workers end after a minute, so a pool costs
 * nothing while nobody computes. A task that throws is logged and costs only itself.
 *
 * <p>Thread contract: any thread. Tasks run on the pool's daemon threads, never on the caller's.
 */
public final class WorkerPool implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(WorkerPool.class.getName());
  private static final AtomicInteger POOLS = new AtomicInteger();

  private final ThreadPoolExecutor executor;
  private final int threads;
  private final int queueCapacity;

  /**
   * @param name a short name for the threads ({@code http-work-1-3})
   * @param threads workers at most
   * @param queueCapacity tasks that may wait for a worker; one more is refused
   */
  public WorkerPool(String name, int threads, int queueCapacity) {
    if (threads <= 0) {
      throw new IllegalArgumentException("threads must be positive: " + threads);
    }
    if (queueCapacity < 0) {
      throw new IllegalArgumentException("queueCapacity must not be negative: " + queueCapacity);
    }
    this.threads = threads;
    this.queueCapacity = queueCapacity;
    String prefix = name + "-" + POOLS.incrementAndGet() + "-";
    AtomicInteger count = new AtomicInteger();
    executor =
        new ThreadPoolExecutor(
            threads,
            threads,
            1,
            TimeUnit.MINUTES,
            queueCapacity == 0 ? new SynchronousQueue<>() : new ArrayBlockingQueue<>(queueCapacity),
            task ->
                Thread.ofPlatform().name(prefix + count.incrementAndGet()).daemon().unstarted(task),
            new ThreadPoolExecutor.AbortPolicy());
    executor.allowCoreThreadTimeOut(true);
  }

  /**
   * Runs {@code task} on a worker; returns {@code false}, running nothing, if every worker is busy
   * and the queue is full, or the pool is closed.
   */
  public boolean execute(Runnable task) {
    try {
      executor.execute(
          () -> {
            try {
              task.run();
            } catch (RuntimeException e) {
              LOG.log(Level.WARNING, "a task of " + this + " failed", e);
            }
          });
      return true;
    } catch (RejectedExecutionException e) {
      return false;
    }
  }

  public int threads() {
    return threads;
  }

  public int queueCapacity() {
    return queueCapacity;
  }

  /** Tasks waiting for a worker right now. */
  public int queued() {
    return executor.getQueue().size();
  }

  /** Takes no more tasks; those queued still run. */
  @Override
  public void close() {
    executor.shutdown();
  }

  @Override
  public String toString() {
    return "worker pool (" + threads + " threads, queue " + queueCapacity + ")";
  }
}
