package io.switchboard.chat.web;

import io.switchboard.testkit.Await;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The real {@code nc} (OpenBSD netcat, {@code tools/test-packages}) as a line-protocol user: the
 * test writes what a person would type into its stdin and reads what it prints. A thread copies its
 * output into a queue, so a read has a deadline.
 *
 * <p>Thread contract: one test thread sends and reads; the copying thread only fills the queue.
 */
final class Netcat implements AutoCloseable {
  private static final String CLOSED = "\u0000closed";

  private final Process process;
  private final OutputStream stdin;
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
  private final List<String> seen = new ArrayList<>();

  private Netcat(Process process) {
    this.process = process;
    this.stdin = process.getOutputStream();
    Thread.ofPlatform()
        .daemon(true)
        .name("nc-output")
        .start(
            () -> {
              try (BufferedReader out =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = out.readLine()) != null; ) {
                  lines.add(line);
                }
              } catch (IOException e) {
                // the process ended
              }
              lines.add(CLOSED);
            });
  }

  /** {@code nc 127.0.0.1 PORT}. */
  static Netcat connect(InetSocketAddress address) {
    try {
      return new Netcat(
          new ProcessBuilder("nc", "127.0.0.1", Integer.toString(address.getPort()))
              .redirectErrorStream(true)
              .start());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start nc (tools/test-packages installs it)", e);
    }
  }

  /** Types {@code line} and Enter. */
  Netcat send(String line) {
    try {
      stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
      stdin.flush();
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The next line nc prints; fails if none comes within the default deadline. */
  String readLine() {
    try {
      String line = lines.poll(Await.DEFAULT.toMillis(), TimeUnit.MILLISECONDS);
      if (line == null || line.equals(CLOSED)) {
        throw new AssertionError(
            (line == null ? "nothing from nc within " + Await.DEFAULT : "nc ended")
                + "; saw "
                + seen);
      }
      seen.add(line);
      return line;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Reads up to the first line that matches and returns it. */
  String until(Predicate<String> wanted) {
    for (String line = readLine(); ; line = readLine()) {
      if (wanted.test(line)) {
        return line;
      }
    }
  }

  String expectPrefix(String prefix) {
    return until(line -> line.startsWith(prefix));
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
