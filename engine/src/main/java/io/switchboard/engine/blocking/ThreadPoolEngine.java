package io.switchboard.engine.blocking;

import io.switchboard.engine.spi.EngineOptions;
import io.switchboard.engine.spi.EngineProvider;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A bounded pool of platform threads, the classic thread-pool server. Who waits: a pool worker
 * blocks in one connection's {@code read()} for as long as that connection lives. Who runs the
 * handler: that worker. With N workers, N clients are served at once; client N+1 is accepted (and
 * counted against {@code maxConnections}) but waits, unanswered, until a worker is free. That wait
 * queue is bounded by {@code maxConnections}. Each connection's writer is a virtual thread, so
 * writes never take a worker and the pool's bound counts only handler threads.
 */
public final class ThreadPoolEngine extends BlockingEngine {
  private final int threads;
  private final ExecutorService workers;

  public ThreadPoolEngine(int threads, EngineOptions options) {
    super("pool", options);
    this.threads = threads;
    AtomicInteger index = new AtomicInteger();
    this.workers =
        new ThreadPoolExecutor(
            threads,
            threads,
            0,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            r -> Thread.ofPlatform().name("pool-worker-" + index.incrementAndGet()).unstarted(r));
  }

  @Override
  protected void serve(Runnable readLoop, ConnectionAwaiter awaiter) {
    workers.execute(readLoop);
  }

  @Override
  protected void stopThreads(long untilNanos) {
    workers.shutdownNow();
  }

  @Override
  protected String description() {
    return "pool (threads=" + threads + ")";
  }

  /** Registers the model. */
  public static final class Provider extends EngineProvider {
    public Provider() {
      super(
          "pool",
          30,
          "a bounded thread pool (--threads, default 2 x cores)",
          options ->
              new ThreadPoolEngine(
                  options.threadsOr(2 * Runtime.getRuntime().availableProcessors()), options));
    }

    @Override
    public Set<String> options() {
      return Set.of(EngineOptions.THREADS);
    }

    /**
     * A pool serves only as many connections at once as it has threads (a connection keeps its
     * worker while it lives), so a crowd needs at least one thread per member, and a few spare.
     */
    @Override
    public EngineOptions forConcurrentClients(EngineOptions options, int clients) {
      return options.threads() == 0 ? options.withThreads(Math.max(8, clients + 8)) : options;
    }
  }
}
