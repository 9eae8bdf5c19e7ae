package io.switchboard.engine.nio;

import io.switchboard.engine.spi.AbstractServer;
import io.switchboard.engine.spi.OutboundQueue;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * One thread that does all IO of the connections it owns and runs their handlers: it is their
 * handler context. What every event-driven model shares is written here once: the task queue other
 * threads feed, the tasks deferred until the current callback returns, the one-write-per-read-batch
 * flushing, and the single read buffer. Subclasses add only how the loop waits for readiness
 * ({@link #awaitAndProcess}) and how it keeps a connection's wishes (the {@link Readiness} it gives
 * each connection in {@link #register}).
 *
 * <p>The loop never dies of an unexpected exception: a failing task or wait is logged and the loop
 * goes on; only {@link #stop} ends it. (A failing handler never gets this far: its connection
 * contains it, see {@link io.switchboard.engine.spi.AbstractConnection}.)
 *
 * <p>Thread contract: {@link #execute}, {@link #submit}, {@link #inLoop}, {@link #wakeup} and
 * {@link #stop} may be called from any thread; every other method runs on the loop thread only. A
 * task submitted on the loop thread never runs nested inside the callback that submitted it: it
 * runs right after that callback returns, in the same loop iteration.
 */
abstract class EventLoop implements Runnable {
  private static final System.Logger LOG = System.getLogger(EventLoop.class.getName());

  /**
   * Bytes per read. The buffer belongs to the loop, not to a connection (the decoder copies what it
   * keeps), so an idle connection costs no buffer at all.
   */
  static final int READ_BUFFER_SIZE = 64 * 1024;

  /** Other threads' tasks run per iteration, so a flood of them cannot starve the sockets. */
  private static final int TASKS_PER_ITERATION = 1024;

  /**
   * Nor can a run of costly ones (a connection storm hands each new connection to its loop as a
   * task, and welcoming one is real work): the loop goes back to its sockets once the tasks of an
   * iteration have taken this long, checked every {@link #TASKS_PER_CLOCK_CHECK} tasks (Netty's
   * loops bound their task time the same way).
   */
  private static final long TASK_TIME_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

  private static final int TASKS_PER_CLOCK_CHECK = 64;

  /** How long the loop pauses after an unexpected failure before it goes on. */
  private static final long FAILURE_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

  private final Thread thread;

  /** Tasks from other threads (many producers, the loop consumes). */
  private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();

  /** True while a wakeup was issued that the loop has not yet consumed: one per batch of tasks. */
  private final AtomicBoolean wakeupPending = new AtomicBoolean();

  /** Tasks submitted on the loop thread, run once the current callback returns. */
  private final ArrayDeque<Runnable> deferred = new ArrayDeque<>();

  /** Connections whose output waits for the end of the current read batch. */
  private final ArrayDeque<NioConnection<?>> flushes = new ArrayDeque<>();

  /** The connection {@link #readAndFlush} is reading, and whether it asked for a flush. */
  private NioConnection<?> reading;

  private boolean readingFlush;

  private final ByteBuffer readBuffer = ByteBuffer.allocate(READ_BUFFER_SIZE);

  /**
   * Output is copied here on its way to a socket (see {@link OutboundQueue#writeTo}); native
   * memory, so the JDK writes it as it is instead of copying it once more.
   */
  private final ByteBuffer writeBuffer = ByteBuffer.allocateDirect(OutboundQueue.COPY_BYTES);

  private volatile boolean running = true;
  private volatile boolean terminated;

  protected EventLoop(String name) {
    this.thread = Thread.ofPlatform().name(name).unstarted(this);
  }

  final void start() {
    thread.start();
  }

  protected final Thread thread() {
    return thread;
  }

  /** The buffer a connection writes through (loop thread only). */
  final ByteBuffer writeBuffer() {
    return writeBuffer;
  }

  // ---- Any thread ----------------------------------------------------------------------------

  final boolean inLoop() {
    return Thread.currentThread() == thread;
  }

  /** Runs {@code task} on the loop: after the current callback if on the loop, else soon. */
  final void submit(Runnable task) {
    if (inLoop()) {
      deferred.add(task);
    } else {
      execute(task);
    }
  }

  /**
   * Queues {@code task} for the loop and wakes it, unless a wakeup is already on its way: a burst
   * of sends to any number of this loop's connections costs one wakeup.
   */
  final void execute(Runnable task) {
    tasks.add(task);
    if (terminated) {
      runLeftovers(); // the loop is gone; nobody else will run it
      return;
    }
    if (!wakeupPending.get() && wakeupPending.compareAndSet(false, true)) {
      wakeup();
    }
  }

  /** Makes the loop return from its wait now (or not enter it next time). */
  abstract void wakeup();

  /**
   * Stops the loop and waits for its thread, until {@code untilNanos} at the most; connections are
   * expected to be closed by now.
   */
  final void stop(long untilNanos) {
    running = false;
    wakeup();
    if (!inLoop()) {
      AbstractServer.join(thread, untilNanos);
    }
  }

  /** {@link #stop(long)} with a few seconds to end. */
  final void stop() {
    stop(System.nanoTime() + TimeUnit.SECONDS.toNanos(5));
  }

  // ---- Loop thread ---------------------------------------------------------------------------

  @Override
  public final void run() {
    try {
      while (running) {
        try {
          boolean worked = runPending();
          awaitAndProcess(worked);
        } catch (IOException | RuntimeException e) {
          // Netty's loops do the same: log, pause a moment so a persistent failure cannot spin
          // the core, and go on serving.
          LOG.log(System.Logger.Level.WARNING, thread.getName() + " failed; going on", e);
          LockSupport.parkNanos(FAILURE_PAUSE_NANOS);
        }
      }
    } finally {
      closeResources();
      runPending();
      terminated = true;
      runLeftovers();
    }
  }

  /**
   * Waits for readiness (or, for a loop without a selector, tries every channel once) and processes
   * what is ready. Must not block when {@code worked} is true or {@link #hasTasks()}.
   *
   * @param worked the tasks run just before found something to do
   */
  protected abstract void awaitAndProcess(boolean worked) throws IOException;

  /**
   * Takes a connection the loop now owns: registers its channel and hands it its {@link Readiness}
   * ({@link NioConnection#registered}), which tells the handler it is open.
   */
  abstract void register(NioConnection<?> connection);

  /** Releases the loop's resources as it stops, aborting any connection still open. */
  protected abstract void closeResources();

  protected final boolean hasTasks() {
    return !tasks.isEmpty();
  }

  /**
   * Runs the tasks other threads queued (up to a batch; the rest wait for the next iteration, which
   * then does not block), then whatever those deferred, then the batched flushes (which may defer
   * more, such as a close callback), until nothing is left.
   *
   * @return true if there was anything to do
   */
  protected final boolean runPending() {
    // Cleared before draining: a producer that saw it set has queued its task before this line,
    // so the drain below sees the task; a producer after this line wakes the loop itself.
    wakeupPending.set(false);
    boolean worked = false;
    long start = System.nanoTime();
    Runnable task;
    for (int i = 1; i <= TASKS_PER_ITERATION && (task = tasks.poll()) != null; i++) {
      runSafely(task);
      runDeferred();
      worked = true;
      if (i % TASKS_PER_CLOCK_CHECK == 0 && System.nanoTime() - start > TASK_TIME_NANOS) {
        break;
      }
    }
    while (!deferred.isEmpty() || !flushes.isEmpty()) {
      runDeferred();
      for (NioConnection<?> connection; (connection = flushes.poll()) != null; ) {
        connection.writeReady();
      }
      worked = true;
    }
    return worked;
  }

  /** Runs the tasks deferred by the callback that just returned. */
  final void runDeferred() {
    for (Runnable task; (task = deferred.poll()) != null; ) {
      runSafely(task);
    }
  }

  /**
   * Writes the connection's output once the current read batch is handled: the connection being
   * read right after its read (as Netty flushes on read complete: its state is still in the cache,
   * which at ten thousand connections a pass over the others would have pushed out), the others at
   * the end of the pass, one write each for all a fan-out queued on them.
   */
  final void markFlush(NioConnection<?> connection) {
    if (connection == reading) {
      readingFlush = true;
    } else {
      flushes.add(connection);
    }
  }

  /** Reads {@code connection}, which is readable, and writes what its read produced for it. */
  final boolean readAndFlush(NioConnection<?> connection) {
    reading = connection;
    boolean arrived;
    try {
      arrived = connection.readReady(readBuffer);
    } finally {
      reading = null;
    }
    if (readingFlush) {
      readingFlush = false;
      connection.writeReady();
    }
    return arrived;
  }

  private void runLeftovers() {
    for (Runnable task; (task = tasks.poll()) != null; ) {
      runSafely(task);
      if (inLoop()) {
        runDeferred();
      }
    }
  }

  private static void runSafely(Runnable task) {
    try {
      task.run();
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "task failed on the event loop", e);
    }
  }

  @Override
  public String toString() {
    return thread.getName();
  }
}
