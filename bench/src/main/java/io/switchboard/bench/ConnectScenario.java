package io.switchboard.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * {@code connect}: N clients each loop over connect, one 64-byte round trip, close; connections per
 * second and the latency of the whole cycle. This is the cost of accept and of setting up and
 * tearing down a connection in each model (a thread, a registration, buffers).
 *
 * <p>Thread contract: {@link #run} runs on the bench's driving thread; each cycle's client lives on
 * a loop thread and starts the next cycle from there.
 */
final class ConnectScenario {
  private ConnectScenario() {}

  /** What all cycles of one trial share. */
  private static final class Shared {
    final Recorder latency = new Recorder(3);
    final LongAdder failures = new LongAdder();
    final AtomicInteger active = new AtomicInteger();
    final Tally tally = new Tally();
    volatile boolean running = true;
    volatile String firstFailure;
  }

  /** One cycle: connect, send the line, read it back, close, and start the next cycle. */
  private static final class CycleClient extends LoadConnection {
    private final Shared shared;
    private final LoadGenerator load;
    private final InetSocketAddress target;
    private final long startedAt = System.nanoTime();
    private boolean answered;

    CycleClient(Shared shared, LoadGenerator load, InetSocketAddress target) {
      this.shared = shared;
      this.load = load;
      this.target = target;
    }

    static void start(Shared shared, LoadGenerator load, InetSocketAddress target) {
      shared.active.incrementAndGet();
      try {
        load.connect(target, new CycleClient(shared, load, target));
      } catch (IOException e) {
        shared.failures.increment();
        if (shared.firstFailure == null) {
          shared.firstFailure = e.toString();
        }
        shared.active.decrementAndGet();
        shared.tally.addClosed();
      }
    }

    @Override
    protected void connected() {
      send(java.nio.ByteBuffer.wrap(EchoClient.LINE));
    }

    @Override
    protected void line(byte[] bytes, int start, int length, long nowNanos) {
      if (!answered) {
        answered = true;
        shared.latency.recordValue(nowNanos - startedAt);
        close();
      }
    }

    @Override
    protected void closed(IOException cause) {
      if (!answered) {
        shared.failures.increment();
        if (shared.firstFailure == null) {
          shared.firstFailure = cause == null ? "closed before the reply" : cause.toString();
        }
      }
      shared.active.decrementAndGet();
      if (shared.running) {
        start(shared, load, target);
      } else {
        shared.tally.addClosed();
      }
    }
  }

  static Measurement run(Trial trial) throws IOException, InterruptedException {
    Shared shared = new Shared();
    int clients = trial.point.connections();
    for (int i = 0; i < clients; i++) {
      CycleClient.start(shared, trial.load, trial.target());
    }
    trial.pass("warm-up", trial.options.warmup());
    shared.latency.getIntervalHistogram();
    long failuresBefore = shared.failures.sum();
    Trial.Window window = trial.openWindow();
    trial.pass("measuring", trial.duration());
    Histogram latency = shared.latency.getIntervalHistogram();
    long failures = shared.failures.sum() - failuresBefore;
    Trial.Span span = trial.closeWindow(window);
    shared.running = false;
    trial.status("draining");
    Measurement.Builder result = new Measurement.Builder();
    if (!shared.tally.await(t -> shared.active.get() == 0, Duration.ofSeconds(30))) {
      result.error(shared.active.get() + " connections still open 30 s after the run");
    }
    if (failures > 0) {
      result.error(failures + " cycles failed: " + shared.firstFailure);
    }
    double cycles = (double) latency.getTotalCount();
    return result
        .put(Metric.CONNS_PER_S, cycles / span.seconds())
        .put(Metric.P50_US, (double) latency.getValueAtPercentile(50) / 1e3)
        .put(Metric.P99_US, (double) latency.getValueAtPercentile(99) / 1e3)
        .put(Metric.FAILURES, (double) failures)
        .put(Metric.SERVER_CPU_S, span.serverCpu())
        .put(Metric.MSGS_PER_CPU_S, cycles / span.serverCpu())
        .put(Metric.CLIENT_CPU_S, span.loadCpu())
        .put(Metric.RSS_MIB, span.serverNow().rssBytes() / 1048576.0)
        .put(Metric.THREADS, span.serverNow().threads())
        .build();
  }
}
