package io.switchboard.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A server under test running as a child process: started from a command line, considered ready
 * once it prints {@code listening on <ip>:<port>}, measured through {@code /proc}, and stopped with
 * SIGTERM (its graceful shutdown) and, past a deadline, SIGKILL.
 *
 * <p>Thread contract: one owner thread calls {@link #start}, {@link #stats} and {@link #close}; two
 * daemon threads drain the child's stdout and stderr (a child whose pipe fills up would block) and
 * keep its last lines for error messages.
 */
public final class ServerProcess implements ServerUnderTest, AutoCloseable {
  static final Pattern LISTENING = Pattern.compile("listening on ([0-9.]+):(\\d+)");
  private static final int KEPT_LINES = 20;

  private final Process process;
  private final InetSocketAddress address;
  private final Deque<String> lastLines;

  /** Stops the server if the bench itself is stopped (Ctrl-C) while it runs. */
  private final Thread stopOnExit;

  private volatile boolean stopped;

  private ServerProcess(Process process, InetSocketAddress address, Deque<String> lastLines) {
    this.process = process;
    this.address = address;
    this.lastLines = lastLines;
    this.stopOnExit = new Thread(process::destroyForcibly, "stop-server-" + process.pid());
    Runtime.getRuntime().addShutdownHook(stopOnExit);
  }

  /** Starts {@code command} and waits up to {@code deadline} for its listening line. */
  public static ServerProcess start(List<String> command, Duration deadline) throws IOException {
    Process process = new ProcessBuilder(command).start();
    Deque<String> lastLines = new ArrayDeque<>();
    CompletableFuture<InetSocketAddress> listening = new CompletableFuture<>();
    drain(process.getInputStream(), "stdout", lastLines, listening);
    drain(process.getErrorStream(), "stderr", lastLines, listening);
    var unused =
        process
            .onExit()
            .thenRun(
                () ->
                    listening.completeExceptionally(
                        new IOException("server exited with status " + process.exitValue())));
    try {
      InetSocketAddress address = listening.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
      return new ServerProcess(process, address, lastLines);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stop(process);
      throw new IOException("interrupted while the server started", e);
    } catch (ExecutionException | TimeoutException e) {
      stop(process);
      String why =
          e instanceof TimeoutException
              ? "no 'listening on' line within " + deadline.toSeconds() + " s"
              : e.getCause().getMessage();
      throw new IOException(
          why + "; command: " + String.join(" ", command) + "; last output:\n" + lines(lastLines));
    }
  }

  private static void drain(
      InputStream stream,
      String name,
      Deque<String> lastLines,
      CompletableFuture<InetSocketAddress> listening) {
    Thread.ofPlatform()
        .name("server-" + name)
        .daemon()
        .start(
            () -> {
              try (BufferedReader reader =
                  new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                  synchronized (lastLines) {
                    lastLines.addLast(line);
                    if (lastLines.size() > KEPT_LINES) {
                      lastLines.removeFirst();
                    }
                  }
                  Matcher matcher = LISTENING.matcher(line);
                  if (!listening.isDone() && matcher.find()) {
                    listening.complete(
                        new InetSocketAddress(
                            matcher.group(1), Integer.parseInt(matcher.group(2))));
                  }
                }
              } catch (IOException e) {
                // the child is gone; its exit is reported through onExit
              }
            });
  }

  private static String lines(Deque<String> lastLines) {
    synchronized (lastLines) {
      return String.join("\n", lastLines);
    }
  }

  @Override
  public InetSocketAddress address() {
    return address;
  }

  /**
   * The java process's id. Under {@code taskset} the child execs java in place, so the pid is the
   * same.
   */
  @Override
  public long pid() {
    return process.pid();
  }

  @Override
  public boolean isOwnJvm() {
    return true;
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  @Override
  public ProcStats stats() throws IOException {
    return ProcStats.read(process.pid());
  }

  /** True once {@link #stop()} has ended the server: it did not die by itself. */
  public boolean wasStopped() {
    return stopped;
  }

  @Override
  public Stopped stop() throws InterruptedException {
    stopped = true;
    return terminate(process);
  }

  /** SIGTERM, then up to 60 s for the graceful shutdown; SIGKILL after that (status -1). */
  static Stopped terminate(Process process) throws InterruptedException {
    long start = System.nanoTime();
    process.destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(5, TimeUnit.SECONDS);
      return new Stopped((System.nanoTime() - start) / 1e9, -1);
    }
    return new Stopped((System.nanoTime() - start) / 1e9, process.exitValue());
  }

  /** The server's last lines of output, for error messages. */
  public String lastOutput() {
    return lines(lastLines);
  }

  /** SIGTERM, wait up to 15 s for the graceful shutdown, then SIGKILL. */
  @Override
  public void close() {
    stop(process);
    try {
      Runtime.getRuntime().removeShutdownHook(stopOnExit);
    } catch (IllegalStateException e) {
      // the JVM is already shutting down and runs the hook: the server is stopped either way
    }
  }

  private static void stop(Process process) {
    process.destroy();
    try {
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
