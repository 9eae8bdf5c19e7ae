package io.switchboard.cli.prefork;

import io.switchboard.engine.spi.TerminationHook;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * Runs N worker processes of one {@code serve} command and keeps them running: the JVM way of the
 * prefork server. Each worker binds the same port with SO_REUSEPORT and the kernel spreads new
 * connections over them; the supervisor serves no client itself.
 *
 * <ul>
 *   <li>A worker that dies after it was listening is restarted, after a backoff that doubles with
 *       each crash in a row (from {@link #FIRST_BACKOFF} up to {@link #MAX_BACKOFF}; a worker that
 *       stayed up {@link #STABLE} starts the count again).
 *   <li>A worker that exits before it ever said it was listening failed to start (port taken, bad
 *       option): after {@link #MAX_START_FAILURES} such failures in a row the supervisor stops the
 *       others and gives up with status 1 rather than restart forever.
 *   <li>SIGTERM or SIGINT: every worker gets SIGTERM and drains its connections; the supervisor
 *       waits for them (killing one that outlives the drain deadline by {@link #GRACE}) and exits
 *       0.
 *   <li>A worker outlives no supervisor: see {@link Lifeline}.
 * </ul>
 *
 * <p>Thread contract: all supervisor state lives on one control thread; worker events (ready,
 * exited), the shutdown hook and the backoff timers only post tasks to it. {@link #run()} blocks
 * the calling thread until the supervisor is done.
 */
public final class Supervisor {
  static final int MAX_START_FAILURES = 3;
  static final Duration FIRST_BACKOFF = Duration.ofMillis(250);
  static final Duration MAX_BACKOFF = Duration.ofSeconds(10);
  static final Duration STABLE = Duration.ofSeconds(30);

  /** Beyond the drain deadline: time for a worker's JVM to finish exiting. */
  static final Duration GRACE = Duration.ofSeconds(10);

  private static final System.Logger LOG = System.getLogger("io.switchboard.supervisor");

  private final IntFunction<List<String>> commands;
  private final Duration drainDeadline;
  private final PrintWriter out;
  private final PrintWriter err;
  private final Runnable onAllListening;
  private final Slot[] slots;
  private final ScheduledExecutorService control =
      Executors.newSingleThreadScheduledExecutor(
          r -> Thread.ofPlatform().name("supervisor").daemon().unstarted(r));
  private final CompletableFuture<Integer> done = new CompletableFuture<>();

  // Confined to the control thread.
  private boolean stopping;
  private boolean announced;
  private int exitStatus;

  /** One worker position: the process filling it now, and its history of failures. */
  private static final class Slot {
    final int index;
    WorkerProcess worker;
    ScheduledFuture<?> restart;
    int startFailures;
    int crashes;

    Slot(int index) {
      this.index = index;
    }
  }

  /**
   * @param processes how many workers
   * @param commands the command line of worker I
   * @param drainDeadline how long a worker may take to drain at shutdown
   * @param out where the workers' stdout goes, each line prefixed
   * @param err where the workers' stderr goes, each line prefixed
   * @param onAllListening runs once, when every worker has said it listens
   */
  public Supervisor(
      int processes,
      IntFunction<List<String>> commands,
      Duration drainDeadline,
      PrintWriter out,
      PrintWriter err,
      Runnable onAllListening) {
    if (processes < 1) {
      throw new IllegalArgumentException("--processes must be at least 1: " + processes);
    }
    this.commands = commands;
    this.drainDeadline = drainDeadline;
    this.out = out;
    this.err = err;
    this.onAllListening = onAllListening;
    this.slots = new Slot[processes];
    Arrays.setAll(slots, Slot::new);
  }

  /** Starts the workers and supervises them until stopped; returns the exit status. */
  public int run() {
    // SIGTERM/SIGINT drain the workers and exit with our status, so a clean stop exits 0.
    Thread hook =
        TerminationHook.install(
            "supervisor-shutdown",
            () -> {
              post(() -> stop(0));
              return awaitDone();
            });
    LOG.log(
        Level.INFO,
        "supervisor pid {0} starting {1} workers",
        Long.toString(ProcessHandle.current().pid()),
        slots.length);
    post(() -> Arrays.stream(slots).forEach(this::launch));
    int status = awaitDone();
    TerminationHook.remove(hook);
    control.shutdownNow();
    return status;
  }

  private void launch(Slot slot) {
    WorkerProcess worker;
    try {
      worker =
          WorkerProcess.start(
              slot.index,
              commands.apply(slot.index),
              out,
              err,
              ready -> post(() -> listening(slot, ready)));
    } catch (IOException e) {
      LOG.log(Level.ERROR, "cannot start worker {0}: {1}", slot.index, e.toString());
      err.println("switchboard serve: cannot start a worker process: " + e.getMessage());
      stop(1);
      return;
    }
    slot.worker = worker;
    LOG.log(Level.INFO, "started {0}", worker);
    var unused = worker.exited().thenAccept(status -> post(() -> exited(slot, worker, status)));
  }

  private void listening(Slot slot, WorkerProcess worker) {
    if (slot.worker != worker) {
      return;
    }
    slot.startFailures = 0;
    if (!announced && Arrays.stream(slots).allMatch(s -> s.worker != null && s.worker.ready())) {
      announced = true;
      onAllListening.run();
    }
  }

  private void exited(Slot slot, WorkerProcess worker, int status) {
    if (slot.worker != worker) {
      return;
    }
    slot.worker = null;
    worker.release();
    if (stopping) {
      LOG.log(Level.INFO, "{0} stopped ({1})", worker, describe(status));
      finishIfAllStopped();
      return;
    }
    Duration delay;
    if (!worker.ready()) {
      slot.startFailures++;
      if (slot.startFailures >= MAX_START_FAILURES) {
        LOG.log(
            Level.ERROR,
            "{0} exited ({1}) before it was listening, {2} times in a row;"
                + " giving up. Its last words: {3}",
            worker,
            describe(status),
            slot.startFailures,
            worker.lastWords());
        err.println(
            "switchboard serve: worker "
                + slot.index
                + " could not start ("
                + worker.lastWords()
                + "); gave up after "
                + slot.startFailures
                + " attempts");
        stop(1);
        return;
      }
      delay = backoff(slot.startFailures);
      LOG.log(
          Level.WARNING,
          "{0} exited ({1}) before it was listening (attempt {2} of {3});" + " retrying in {4} ms",
          worker,
          describe(status),
          slot.startFailures,
          MAX_START_FAILURES,
          delay.toMillis());
    } else {
      slot.crashes = worker.uptime().compareTo(STABLE) >= 0 ? 1 : slot.crashes + 1;
      delay = backoff(slot.crashes);
      LOG.log(
          Level.WARNING,
          "{0} died ({1}) after {2} s; restarting it in {3} ms",
          worker,
          describe(status),
          worker.uptime().toSeconds(),
          delay.toMillis());
    }
    slot.restart =
        control.schedule(
            () -> {
              slot.restart = null;
              if (!stopping) {
                launch(slot);
              }
            },
            delay.toMillis(),
            TimeUnit.MILLISECONDS);
  }

  /** Stops every worker gracefully; the supervisor is done with {@code status} once all exited. */
  private void stop(int status) {
    if (stopping) {
      return;
    }
    stopping = true;
    exitStatus = status;
    long running = Arrays.stream(slots).filter(s -> s.worker != null).count();
    LOG.log(
        Level.INFO,
        "stopping {0} workers: each stops accepting and drains its connections",
        running);
    for (Slot slot : slots) {
      if (slot.restart != null) {
        slot.restart.cancel(false);
      }
      if (slot.worker != null) {
        slot.worker.terminate();
      }
    }
    var unused =
        control.schedule(
            this::killStragglers, drainDeadline.plus(GRACE).toMillis(), TimeUnit.MILLISECONDS);
    finishIfAllStopped();
  }

  private void killStragglers() {
    for (Slot slot : slots) {
      if (slot.worker != null) {
        LOG.log(
            Level.WARNING,
            "{0} still running {1} s after SIGTERM; killing it",
            slot.worker,
            drainDeadline.plus(GRACE).toSeconds());
        slot.worker.kill();
      }
    }
  }

  private void finishIfAllStopped() {
    if (Arrays.stream(slots).allMatch(s -> s.worker == null)) {
      LOG.log(Level.INFO, "all workers stopped");
      done.complete(exitStatus);
    }
  }

  private void post(Runnable task) {
    try {
      control.execute(task);
    } catch (RejectedExecutionException e) {
      // the supervisor is done; nothing is left to react to
    }
  }

  private int awaitDone() {
    return done.join();
  }

  static Duration backoff(int failuresInARow) {
    long millis = FIRST_BACKOFF.toMillis() << Math.min(failuresInARow - 1, 20);
    return Duration.ofMillis(Math.min(millis, MAX_BACKOFF.toMillis()));
  }

  private static String describe(int status) {
    return status > 128 ? "status " + status + ", signal " + (status - 128) : "status " + status;
  }
}
