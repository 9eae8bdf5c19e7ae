package io.switchboard.bench;

import java.io.IOException;
import java.util.List;

/**
 * {@code idle}: hold N connections that do nothing after one round trip; the server's RSS and
 * threads per connection, as the growth over the same server with no connections (so the JVM's own
 * footprint does not count), and the CPU it burns while nothing happens. For a JVM server also the
 * live heap per connection after a full GC: RSS includes whatever garbage the young generation
 * holds at the moment it is read (up to its whole size, e.g. 16 MiB, over 1 KiB per connection at
 * 15,000), so RSS alone cannot tell a few hundred bytes per connection apart.
 *
 * <p>Thread contract: {@link #run} runs on the bench's driving thread.
 */
final class IdleScenario {
  private IdleScenario() {}

  static Measurement run(Trial trial) throws IOException, InterruptedException {
    int count = trial.point.connections();
    trial.pass("settling", trial.options.warmup());
    long baselineHeap = liveHeap(trial); // first: it starts the attach listener thread
    ProcStats baseline = trial.server.stats();
    EchoClient.Shared shared = new EchoClient.Shared();
    Measurement.Builder result = new Measurement.Builder();
    List<EchoClient> clients = EchoClient.openAll(trial, count, shared);
    try {
      int ready = shared.tally.ready();
      if (ready < count) {
        result.error(shared.tally.shortfall(count, "connections were served"));
      }
      Trial.Window window = trial.openWindow();
      trial.pass("holding", trial.duration());
      Trial.Span span = trial.closeWindow(window);
      int lost = shared.tally.closed() - shared.tally.failed();
      int held = Math.max(0, ready - lost);
      if (lost > 0) {
        result.error(lost + " connections closed while idle");
      }
      long heap = baselineHeap < 0 ? -1 : liveHeap(trial);
      ProcStats now = span.serverNow();
      result
          .put(Metric.CONNECTIONS_HELD, held)
          .put(Metric.RSS_MIB, now.rssBytes() / 1048576.0)
          .put(Metric.THREADS, now.threads())
          .put(Metric.SERVER_CPU_S, span.serverCpu());
      if (held > 0) {
        result
            .put(Metric.RSS_PER_CONN_KIB, (now.rssBytes() - baseline.rssBytes()) / 1024.0 / held)
            .put(Metric.THREADS_PER_CONN, (now.threads() - baseline.threads()) / (double) held);
        if (heap >= 0) {
          result.put(Metric.HEAP_PER_CONN_KIB, (heap - baselineHeap) / 1024.0 / held);
        }
      }
      return result.build();
    } finally {
      EchoScenario.closeAll(clients, shared.tally);
    }
  }

  /** The server's live heap after a full GC, or -1 when it is no JVM of its own. */
  private static long liveHeap(Trial trial) throws InterruptedException {
    if (!trial.server.isOwnJvm()) {
      return -1;
    }
    trial.status("reading the server's heap");
    try {
      return HeapProbe.heapAfterGc(trial.server.pid());
    } catch (IOException e) {
      return -1;
    }
  }
}
