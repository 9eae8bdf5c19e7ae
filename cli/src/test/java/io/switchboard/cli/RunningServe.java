package io.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.testkit.Await;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code switchboard serve ...} running as its own process, as a user or a service manager runs it:
 * its banner read from stdout (where it listens), every stderr line (the log) collected as it
 * comes, stopped with a real SIGTERM.
 *
 * <p>Thread contract: one test thread uses it; a virtual thread collects the log.
 */
final class RunningServe implements AutoCloseable {
  private static final Pattern LISTENING = Pattern.compile("listening on [^ ]*:(\\d+)");
  private static final Pattern METRICS = Pattern.compile("metrics at: +http://[^ ]*:(\\d+)/");

  private final Process process;
  private final List<String> banner = new ArrayList<>();
  private final List<String> log = new CopyOnWriteArrayList<>();
  private final int port;
  private final int metricsPort;

  private RunningServe(Process process) throws IOException {
    this.process = process;
    Thread.ofVirtual().start(this::collectLog);
    BufferedReader stdout =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    int listening = -1;
    int metrics = -1;
    for (String line; (line = stdout.readLine()) != null; ) {
      banner.add(line);
      Matcher at = LISTENING.matcher(line);
      if (listening < 0 && at.find()) { // the app's main port; other ports are listed after it
        listening = Integer.parseInt(at.group(1));
      }
      Matcher scrape = METRICS.matcher(line);
      if (scrape.find()) {
        metrics = Integer.parseInt(scrape.group(1));
      }
      if (line.contains("stop with")) {
        break;
      }
    }
    if (listening < 0) {
      throw new AssertionError("no banner; stdout: " + banner + "; stderr: " + log);
    }
    this.port = listening;
    this.metricsPort = metrics;
  }

  /** Starts {@code switchboard serve ARGS...} and waits for its banner. */
  static RunningServe start(String... args) {
    List<String> serve = new ArrayList<>(List.of("serve"));
    serve.addAll(List.of(args));
    try {
      return new RunningServe(ChildProcess.switchboard(serve.toArray(String[]::new)).start());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void collectLog() {
    try (BufferedReader stderr =
        new BufferedReader(
            new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = stderr.readLine()) != null; ) {
        log.add(line);
      }
    } catch (IOException e) {
      // the process is gone
    }
  }

  InetSocketAddress address() {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
  }

  /** The port of {@code /metrics}, from the banner. */
  int metricsPort() {
    assertThat(metricsPort).as("a metrics line in the banner: %s", banner).isPositive();
    return metricsPort;
  }

  List<String> banner() {
    return banner;
  }

  /** Every log line so far. */
  List<String> log() {
    return log;
  }

  /** Waits for a log line that matches, and returns it. */
  String awaitLog(String what, Predicate<String> wanted) {
    Await.until(what + " in the log " + log, () -> log.stream().anyMatch(wanted));
    return log.stream().filter(wanted).findFirst().orElseThrow();
  }

  /** SIGTERM, then the exit status once the process has stopped. */
  int stop() {
    process.toHandle().destroy();
    try {
      assertThat(process.waitFor(Await.DEFAULT.toSeconds(), TimeUnit.SECONDS))
          .as("stopped after SIGTERM")
          .isTrue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
    return process.exitValue();
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }
}
