package io.switchboard.bench;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * {@code echo}: N connections ping-pong a 64-byte line; msgs/s, round-trip latency, server CPU per
 * message. Closed loop: each connection has one line in flight, so N is the concurrency.
 *
 * <p>Thread contract: {@link #run} runs on the bench's driving thread.
 */
final class EchoScenario {
  private EchoScenario() {}

  static Measurement run(Trial trial) throws IOException, InterruptedException {
    int count = trial.point.connections();
    EchoClient.Shared shared = new EchoClient.Shared();
    Measurement.Builder result = new Measurement.Builder();
    List<EchoClient> clients = EchoClient.openAll(trial, count, shared);
    try {
      int ready = shared.tally.ready();
      if (ready < count) {
        result.error(shared.tally.shortfall(count, "connections were served"));
        result.put(Metric.CONNECTIONS_HELD, ready);
        if (ready == 0) {
          return result.build();
        }
      }
      clients.forEach(EchoClient::go);
      trial.pass("warm-up", trial.options.warmup());
      shared.latency.getIntervalHistogram(); // drop the warm-up's round trips
      Trial.Window window = trial.openWindow();
      trial.pass("measuring", trial.duration());
      Histogram latency = shared.latency.getIntervalHistogram();
      Trial.Span span = trial.closeWindow(window);
      clients.forEach(EchoClient::halt);
      trial.status("draining");
      if (!awaitReplies(shared)) {
        result.error(
            "replies missing after the run: sent "
                + shared.sent.sum()
                + ", received "
                + shared.received.sum());
      }
      if (shared.corrupt.sum() > 0) {
        result.error(shared.corrupt.sum() + " replies differed from what was sent");
      }
      double msgs = latency.getTotalCount();
      result
          .put(Metric.MSGS_PER_S, msgs / span.seconds())
          .put(Metric.P50_US, latency.getValueAtPercentile(50) / 1e3)
          .put(Metric.P99_US, latency.getValueAtPercentile(99) / 1e3)
          .put(Metric.P999_US, latency.getValueAtPercentile(99.9) / 1e3)
          .put(Metric.SERVER_CPU_S, span.serverCpu())
          .put(Metric.MSGS_PER_CPU_S, msgs / span.serverCpu())
          .put(Metric.CLIENT_CPU_S, span.loadCpu())
          .put(Metric.RSS_MIB, span.serverNow().rssBytes() / 1048576.0)
          .put(Metric.THREADS, span.serverNow().threads());
      return result.build();
    } finally {
      closeAll(clients, shared.tally);
    }
  }

  /** Waits until every line sent has come back (the last round trips after halt). */
  static boolean awaitReplies(EchoClient.Shared shared) throws InterruptedException {
    long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (shared.received.sum() < shared.sent.sum()) {
      if (System.nanoTime() > end) {
        return false;
      }
      // Replies arrive on loop threads with no signal of their own; poll a few hundred times.
      Thread.sleep(20);
    }
    return true;
  }

  static void closeAll(List<EchoClient> clients, Tally tally) throws InterruptedException {
    clients.forEach(EchoClient::closeLater);
    int count = clients.size();
    tally.await(t -> t.closed() >= count, Duration.ofSeconds(30));
  }
}
