package io.switchboard.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One measurement in progress: a scenario at a point against one running server, with the load
 * generator to drive it, and a way to tell the progress line what phase it is in.
 *
 * <p>Thread contract: used by the bench's driving thread only.
 */
final class Trial {
  final BenchOptions options;
  final Scenario scenario;
  final Point point;
  final ModelSpec model;
  final ServerUnderTest server;
  final LoadGenerator load;
  private final Consumer<String> status;

  Trial(
      BenchOptions options,
      Scenario scenario,
      Point point,
      ModelSpec model,
      ServerUnderTest server,
      LoadGenerator load,
      Consumer<String> status) {
    this.options = options;
    this.scenario = scenario;
    this.point = point;
    this.model = model;
    this.server = server;
    this.load = load;
    this.status = status;
  }

  /** How long this trial measures. */
  Duration duration() {
    return options.durationFor(scenario);
  }

  InetSocketAddress target() {
    return server.address();
  }

  /** Where the senders connect (another node than {@link #target()} when the hub is spread). */
  InetSocketAddress sendersTarget() {
    return server.sendersAddress();
  }

  void status(String phase) {
    status.accept(phase);
  }

  /** Lets {@code length} pass while the load runs, counting down on the progress line. */
  void pass(String phase, Duration length) throws InterruptedException {
    passUntil(phase, System.nanoTime() + length.toNanos());
  }

  /** As {@link #pass}, until {@code end} on {@link System#nanoTime}'s clock. */
  void passUntil(String phase, long end) throws InterruptedException {
    while (true) {
      long left = end - System.nanoTime();
      if (left <= 0) {
        return;
      }
      status(phase + " " + (left + 999_999_999L) / 1_000_000_000L + "s");
      Thread.sleep(Math.min(left / 1_000_000 + 1, 1000));
    }
  }

  /** Opens a measurement window: the server's and the load generator's counters now. */
  Window openWindow() throws IOException {
    return new Window(server.stats(), load.loopCpuSeconds(), System.nanoTime());
  }

  /** Counters at the start of a measurement window. */
  record Window(ProcStats server, double loadCpu, long startNanos) {}

  /** What changed over a window. */
  record Span(double seconds, double serverCpu, double loadCpu, ProcStats serverNow) {}

  Span closeWindow(Window window) throws IOException {
    long now = System.nanoTime();
    ProcStats serverNow = server.stats();
    return new Span(
        (now - window.startNanos()) / 1e9,
        serverNow.cpuSeconds() - window.server().cpuSeconds(),
        load.loopCpuSeconds() - window.loadCpu(),
        serverNow);
  }

  /**
   * Connects {@code count} clients made by {@code factory}, at most as many still setting up at a
   * time as {@code connecting} has permits (each client releases its permit once it is ready or
   * gone), and waits until each is ready or failed in {@code tally}, or the setup deadline passes.
   * Returns the clients (ready or not); fewer than {@code count} when the server stopped taking
   * connections.
   */
  <C extends LoadConnection> List<C> connectAll(
      int count, Semaphore connecting, Tally tally, Supplier<C> factory)
      throws IOException, InterruptedException {
    List<C> clients = new ArrayList<>(count);
    long end = System.nanoTime() + setupDeadline(count).toNanos();
    for (int i = 0; i < count; i++) {
      if (i % 500 == 0) {
        status(String.format("connecting %,d/%,d", i, count));
      }
      long left = end - System.nanoTime();
      if (!connecting.tryAcquire(Math.max(0, left), TimeUnit.NANOSECONDS)) {
        break; // the server stopped taking connections: report what was reached
      }
      C client = factory.get();
      clients.add(client);
      load.connect(target(), client);
    }
    int opened = clients.size();
    tally.await(
        t -> t.ready() + t.failed() >= opened,
        Duration.ofNanos(Math.max(0, end - System.nanoTime())));
    return clients;
  }

  /** How long to wait for {@code count} connections to be set up (one round trip each). */
  static Duration setupDeadline(int count) {
    return Duration.ofSeconds(10 + count / 1_000);
  }
}
