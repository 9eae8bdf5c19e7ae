package io.switchboard.cli.prefork;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One running worker process: its output relayed line by line with a {@code [worker I pid P]}
 * prefix, whether it has said it is listening, and its exit.
 *
 * <p>Thread contract: {@link #start}, {@link #terminate}, {@link #kill} and the accessors may be
 * called from any thread (the supervisor calls them from its control thread). Two virtual threads
 * per worker relay its stdout and stderr; {@code onReady} runs on the stdout relay thread. {@link
 * #exited()} completes on a JDK process-reaper thread, after both relays have finished, so a worker
 * that printed its ready line and then died is seen as ready.
 */
final class WorkerProcess {
  /**
   * What a worker prints on stdout once its listener is bound ({@code "echo on virtual listening on
   * 127.0.0.1:7000"}); {@code serve} prints it, the supervisor waits for it.
   */
  static final String LISTENING = " listening on ";

  private final int index;
  private final Process process;
  private final String prefix;
  private final Instant started = Instant.now();
  private final CompletableFuture<Integer> exited;
  private volatile boolean ready;
  private volatile String lastWords = "";

  private WorkerProcess(
      int index,
      Process process,
      PrintWriter out,
      PrintWriter err,
      Consumer<WorkerProcess> onReady) {
    this.index = index;
    this.process = process;
    this.prefix = "[worker " + index + " pid " + process.pid() + "] ";
    Thread stdout =
        Thread.ofVirtual()
            .name(prefix + "stdout")
            .start(() -> relay(process.getInputStream(), out, onReady));
    Thread stderr =
        Thread.ofVirtual()
            .name(prefix + "stderr")
            .start(() -> relay(process.getErrorStream(), err, null));
    this.exited =
        process
            .onExit()
            .thenApply(
                p -> {
                  // EOF on both pipes follows the exit; wait for it so no line is lost or counted
                  // late.
                  join(stdout);
                  join(stderr);
                  return p.exitValue();
                });
  }

  /**
   * Starts {@code command}. Its stdin is a pipe that only this process holds: the worker reads it
   * and shuts down at end of file, which the kernel delivers when the supervisor dies, however it
   * dies (see {@link Lifeline}).
   */
  static WorkerProcess start(
      int index,
      List<String> command,
      PrintWriter out,
      PrintWriter err,
      Consumer<WorkerProcess> onReady)
      throws IOException {
    Process process = new ProcessBuilder(command).start();
    return new WorkerProcess(index, process, out, err, onReady);
  }

  int index() {
    return index;
  }

  long pid() {
    return process.pid();
  }

  /** True once the worker has printed its listening line. */
  boolean ready() {
    return ready;
  }

  /** How long it has run. */
  Duration uptime() {
    return Duration.between(started, Instant.now());
  }

  /** The last line it wrote on stderr (or stdout, when stderr stayed silent). */
  String lastWords() {
    return lastWords;
  }

  /** Completes with the exit status once the process has exited and its output is relayed. */
  CompletableFuture<Integer> exited() {
    return exited;
  }

  /**
   * SIGTERM: the worker stops accepting, drains its connections and exits. Sent through the process
   * handle because {@code Process.destroy()} also closes our ends of its pipes, which would lose
   * its last log lines and tell it through stdin that we are gone.
   */
  void terminate() {
    process.toHandle().destroy();
  }

  /** SIGKILL, for a worker that outlived the shutdown deadline. */
  void kill() {
    process.toHandle().destroyForcibly();
  }

  /** Closes our end of its stdin pipe (after it has exited; or to tell it to go). */
  void release() {
    try {
      process.getOutputStream().close();
    } catch (IOException ignored) {
      // the pipe is gone either way
    }
  }

  @Override
  public String toString() {
    return "worker " + index + " pid " + process.pid();
  }

  private void relay(InputStream stream, PrintWriter to, Consumer<WorkerProcess> onReady) {
    try (BufferedReader lines =
        new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
      for (String line; (line = lines.readLine()) != null; ) {
        to.println(prefix + line);
        to.flush();
        if (!line.isBlank() && (onReady == null || lastWords.isEmpty())) {
          lastWords = line;
        }
        if (onReady != null && !ready && line.contains(LISTENING)) {
          ready = true;
          onReady.accept(this);
        }
      }
    } catch (IOException e) {
      // the process is gone; its exit is reported by onExit
    }
  }

  private static void join(Thread thread) {
    try {
      thread.join(TimeUnit.SECONDS.toMillis(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
