package io.switchboard.engine.blocking;

import io.switchboard.engine.spi.EngineOptions;
import io.switchboard.engine.spi.EngineProvider;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A platform thread per connection, the classic threading server. Who waits: each connection's own
 * reader thread blocks in {@code read()}, and its own writer thread in {@code write()}. Who runs
 * the handler: the reader thread. Simple and fast for tens or hundreds of clients; every connection
 * costs two kernel threads with their stacks, which is what breaks it towards C10K.
 *
 * <p>The threads come from an unbounded cached pool, as in Tomcat's and Apache's threaded servers:
 * still one per connection while it lives, but a thread whose connection ended serves the next one
 * instead of the kernel making a new one. A new thread also gets new per-thread IO caches from the
 * JDK (a 1,024-slot temporary buffer cache, iovec arrays, direct buffers: about 12 KiB of heap per
 * connection, promoted as the connection outlives a few young collections); with churn, the heap
 * filled with them up to its maximum. Idle threads end after {@link #IDLE_THREAD_LIFE}.
 */
public final class ThreadPerConnectionEngine extends BlockingEngine {
  /** How long a thread waits for another connection before it ends. */
  private static final long IDLE_THREAD_LIFE = 30;

  private static final String IDLE_NAME = "threads-idle";

  private final ExecutorService threads =
      new ThreadPoolExecutor(
          0,
          Integer.MAX_VALUE,
          IDLE_THREAD_LIFE,
          TimeUnit.SECONDS,
          new SynchronousQueue<>(),
          r -> Thread.ofPlatform().name(IDLE_NAME).daemon(true).unstarted(r));

  public ThreadPerConnectionEngine(EngineOptions options) {
    super("threads", options);
  }

  @Override
  protected void serve(Runnable readLoop, ConnectionAwaiter awaiter) {
    run(readLoop, "threads-reader");
  }

  @Override
  protected void startWriter(Runnable writeLoop, String name) {
    run(writeLoop, name);
  }

  /** Runs {@code task} on a pooled thread named {@code name} while it runs. */
  private void run(Runnable task, String name) {
    threads.execute(
        () -> {
          Thread self = Thread.currentThread();
          self.setName(name);
          try {
            task.run();
          } finally {
            self.setName(IDLE_NAME);
          }
        });
  }

  @Override
  protected void stopThreads(long untilNanos) {
    threads.shutdown(); // idle threads end now; the rest end with their connections, closed by now
  }

  /** Registers the model. */
  public static final class Provider extends EngineProvider {
    public Provider() {
      super(
          "threads",
          20,
          "a platform thread per connection (plus one writer each)",
          options -> new ThreadPerConnectionEngine(options));
    }
  }
}
