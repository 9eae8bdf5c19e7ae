package io.switchboard.bench;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * The web server's two scenarios.
 *
 * <p>{@code http}: N kept-alive connections each fetch the point's file over and over, one request
 * in flight per connection; requests/s, latency, MiB/s of body, and the server's CPU time per
 * request (from {@code /proc}, so nginx is measured the same way).
 *
 * <p>{@code http-cpu}: N connections fetch a 1 KiB file (cheap, served on the connection's thread)
 * while {@link #HEAVY_CLIENTS} others ask the calculator {@link #HEAVY} (tens of milliseconds of
 * CPU each); the figures are the cheap requests' latency and how many heavy answers came back. On
 * an event-loop model without the worker pool the loop computes, and every cheap request behind it
 * waits: its p99 shows it.
 *
 * <p>Thread contract: {@link #run} runs on the bench's driving thread; clients live on loop
 * threads.
 */
final class HttpScenario {
  private HttpScenario() {}

  /** A calculator question that takes tens of milliseconds of CPU (a 30,000th power). */
  static final String HEAVY = "1.0001^30000";

  static final int HEAVY_CLIENTS = 4;

  static Measurement run(Trial trial) throws IOException, InterruptedException {
    boolean cpu = trial.scenario == Scenario.HTTP_CPU;
    int count = trial.point.connections();
    String path = HttpSite.path(cpu ? 1024 : trial.point.bytes());
    HttpLoadClient.Shared cheap = new HttpLoadClient.Shared();
    HttpLoadClient.Shared heavy = new HttpLoadClient.Shared();
    Measurement.Builder result = new Measurement.Builder();
    List<HttpLoadClient> clients = new ArrayList<>();
    try {
      clients.addAll(openAll(trial, count, cheap, path));
      if (cpu) {
        String question = "/calc?expr=" + URLEncoder.encode(HEAVY, StandardCharsets.UTF_8);
        clients.addAll(openAll(trial, HEAVY_CLIENTS, heavy, question));
      }
      int ready = cheap.tally.ready();
      if (ready < count) {
        result.error(cheap.tally.shortfall(count, "connections were served"));
        result.put(Metric.CONNECTIONS_HELD, ready);
        if (ready == 0) {
          return result.build();
        }
      }
      if (cpu && heavy.tally.ready() < HEAVY_CLIENTS) {
        result.error(
            heavy.tally.shortfall(HEAVY_CLIENTS, "calculator connections were served")
                + "; is the server switchboard's http app?");
      }
      clients.forEach(HttpLoadClient::go);
      trial.pass("warm-up", trial.options.warmup());
      cheap.latency.getIntervalHistogram(); // drop the warm-up's requests
      long heavyBefore = heavy.responses.sum();
      long bytesBefore = cheap.bodyBytes.sum();
      Trial.Window window = trial.openWindow();
      trial.pass("measuring", trial.options.duration());
      Histogram latency = cheap.latency.getIntervalHistogram();
      long bytes = cheap.bodyBytes.sum() - bytesBefore;
      long heavyDone = heavy.responses.sum() - heavyBefore;
      Trial.Span span = trial.closeWindow(window);
      clients.forEach(HttpLoadClient::halt);
      trial.status("draining");
      awaitResponses(cheap);
      awaitResponses(heavy);
      long errors = cheap.errors.sum() + heavy.errors.sum();
      if (errors > 0) {
        String first = cheap.firstError != null ? cheap.firstError : heavy.firstError;
        result.error(errors + " responses were not 200 (" + first + ")");
      }
      double requests = latency.getTotalCount();
      result
          .put(Metric.REQS_PER_S, requests / span.seconds())
          .put(Metric.P50_US, latency.getValueAtPercentile(50) / 1e3)
          .put(Metric.P99_US, latency.getValueAtPercentile(99) / 1e3)
          .put(Metric.P999_US, latency.getValueAtPercentile(99.9) / 1e3)
          .put(Metric.MIB_PER_S, bytes / span.seconds() / (1 << 20))
          .put(Metric.SERVER_CPU_S, span.serverCpu())
          .put(Metric.CPU_US_PER_REQ, span.serverCpu() * 1e6 / (requests + heavyDone))
          .put(Metric.CLIENT_CPU_S, span.loadCpu())
          .put(Metric.RSS_MIB, span.serverNow().rssBytes() / 1048576.0)
          .put(Metric.THREADS, span.serverNow().threads());
      if (cpu) {
        result.put(Metric.HEAVY_PER_S, heavyDone / span.seconds());
      }
      return result.build();
    } finally {
      clients.forEach(HttpLoadClient::closeLater);
      long cheapCount = clients.stream().filter(c -> c.shared() == cheap).count();
      cheap.tally.await(t -> t.closed() >= cheapCount, Duration.ofSeconds(30));
      long heavyCount = clients.size() - cheapCount;
      heavy.tally.await(t -> t.closed() >= heavyCount, Duration.ofSeconds(30));
    }
  }

  private static List<HttpLoadClient> openAll(
      Trial trial, int count, HttpLoadClient.Shared shared, String path)
      throws IOException, InterruptedException {
    return trial.connectAll(
        count, shared.connecting, shared.tally, () -> new HttpLoadClient(shared, path));
  }

  /** Waits until every request sent has its response (the last ones after halt). */
  private static void awaitResponses(HttpLoadClient.Shared shared) throws InterruptedException {
    long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (shared.responses.sum() < shared.sent.sum() && System.nanoTime() < end) {
      // Responses arrive on loop threads with no signal of their own; poll.
      Thread.sleep(20);
    }
  }
}
