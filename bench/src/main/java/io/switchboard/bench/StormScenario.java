package io.switchboard.bench;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * {@code storm}: a connection storm into the chat hub's lobby. The server has N places ({@code
 * --max-connections N}, the point's count); first a pair of members settles in a room of its own
 * and chats (one message every 10 ms, each carrying its send time), then N + 20% clients connect as
 * fast as the server takes them, every admitted one landing in the lobby; they stay for the trial's
 * duration, half of them leave at once, and the server is stopped with SIGTERM while the rest are
 * connected.
 *
 * <p>Reports what an operator asks of such a storm: how many were admitted and how many got the
 * refusal (and how many got neither: failures), how long the admitted waited for their welcome
 * (from the start of their connect), the pair's p99 delivery latency over the whole storm, the
 * server's peak RSS, and how long the stop took (against {@code --shutdown-deadline}, 5 s by
 * default); a stop that did not exit 0 is an error.
 *
 * <p>Thread contract: {@link #run} runs on the bench's driving thread; clients live on loop
 * threads.
 */
final class StormScenario {
  private StormScenario() {}

  /** The crowd is this much larger than the server's places, so some must be refused. */
  static final double EXTRA = 0.2;

  /** The pair's pace: one message every this many milliseconds. */
  private static final long PAIR_INTERVAL_MS = 10;

  /**
   * Connects started and not yet answered: a storm, but one the kernel's accept queue (4096 here)
   * can hold, so the figures are the server's and not SYN retries of an overflowing backlog.
   */
  private static final int IN_FLIGHT = 2_048;

  /** The pair's room, away from the lobby the storm goes to. */
  private static final String PAIR_ROOM = "storm-pair";

  private static final class Shared {
    final Recorder welcome = new Recorder(3);
    final Recorder pairLatency = new Recorder(3);
    final LongAdder admitted = new LongAdder();
    final LongAdder refused = new LongAdder();
    final LongAdder failed = new LongAdder();
    final AtomicReference<String> firstFailure = new AtomicReference<>();
    final Semaphore inFlight = new Semaphore(IN_FLIGHT);
    final Tally answered = new Tally();
    final Tally gone = new Tally();
    final Tally pair = new Tally();
  }

  /** One member of the crowd: connects, and counts what the hub answered. */
  private static final class CrowdClient extends LoadConnection {
    private final Shared shared;
    private final long startedNanos = System.nanoTime();
    private boolean answered;
    private boolean welcomed;

    CrowdClient(Shared shared) {
      this.shared = shared;
    }

    @Override
    protected void line(byte[] bytes, int start, int length, long nowNanos) {
      if (answered) {
        return; // the lobby's traffic, if any: not measured
      }
      if (ChatProtocol.isWelcome(bytes, start, length)) {
        welcomed = true;
        shared.welcome.recordValue(Math.max(0, nowNanos - startedNanos));
        shared.admitted.increment();
      } else if (ChatProtocol.isRefusal(bytes, start, length)) {
        shared.refused.increment();
      } else {
        fail("the hub's first line was not a welcome nor a refusal");
        return;
      }
      answer();
    }

    @Override
    protected void closed(IOException cause) {
      if (!answered) {
        fail(cause == null ? "closed without a word" : cause.toString());
        answer();
      }
      shared.gone.addClosed();
    }

    private void fail(String why) {
      shared.failed.increment();
      shared.firstFailure.compareAndSet(null, why);
    }

    private void answer() {
      answered = true;
      shared.inFlight.release();
      shared.answered.addReady();
    }

    boolean welcomed() {
      return welcomed;
    }

    void closeLater() {
      execute(this::close);
    }
  }

  /**
   * One of the pair: joins the pair's room; the speaker sends stamped lines, the other times them.
   */
  private static final class PairClient extends LoadConnection {
    private final Shared shared;
    private final String nick;
    private final boolean speaker;
    private boolean joined;
    private long lastSentNanos;

    PairClient(Shared shared, String nick, boolean speaker) {
      this.shared = shared;
      this.nick = nick;
      this.speaker = speaker;
    }

    @Override
    protected void connected() {
      send(ChatProtocol.join(nick, PAIR_ROOM));
    }

    @Override
    protected void line(byte[] bytes, int start, int length, long nowNanos) {
      if (!joined && ChatProtocol.isJoined(bytes, start, length, PAIR_ROOM)) {
        joined = true;
        shared.pair.addReady();
        return;
      }
      long stamp = ChatProtocol.stampOf(bytes, start, length);
      if (!speaker && stamp > 0) {
        shared.pairLatency.recordValue(Math.max(0, nowNanos - stamp));
      }
    }

    @Override
    protected void tick(long nowNanos) {
      if (nowNanos - lastSentNanos >= TimeUnit.MILLISECONDS.toNanos(PAIR_INTERVAL_MS)) {
        lastSentNanos = nowNanos;
        send(ChatProtocol.stamped(nowNanos));
      }
    }

    @Override
    protected void closed(IOException cause) {
      shared.pair.addClosed(joined, cause);
    }

    void startTalking() {
      execute(this::startTicking);
    }

    void closeLater() {
      execute(this::close);
    }
  }

  /** The serve options: the pair talks faster than a person's flood limit allows. */
  static List<String> serverArgs() {
    return List.of("--chat-rate-limit", Long.toString(2_000 / PAIR_INTERVAL_MS));
  }

  /** How many clients storm a server with {@code places} places. */
  static int crowd(int places) {
    return (int) Math.round(places * (1 + EXTRA));
  }

  /**
   * Until the warm-up has passed, small crowds come and go, so the storm meets a server whose
   * accept, welcome and leave paths are compiled, as a storm after a network blip meets a server
   * that has been running, not one just started.
   */
  private static void warmUp(Trial trial, int batch) throws IOException, InterruptedException {
    long end = System.nanoTime() + trial.options.warmup().toNanos();
    do {
      trial.status("warm-up: a small crowd comes and goes");
      Shared shared = new Shared();
      List<CrowdClient> clients = new ArrayList<>(batch);
      for (int i = 0; i < batch; i++) {
        CrowdClient client = new CrowdClient(shared);
        clients.add(client);
        trial.load.connect(trial.target(), client);
      }
      shared.answered.await(t -> t.ready() >= batch, Duration.ofSeconds(30));
      clients.forEach(CrowdClient::closeLater);
      shared.gone.await(t -> t.closed() >= batch, Duration.ofSeconds(30));
    } while (System.nanoTime() < end);
  }

  static Measurement run(Trial trial) throws IOException, InterruptedException {
    int places = trial.point.connections();
    int crowdSize = crowd(places);
    Shared shared = new Shared();
    Measurement.Builder result = new Measurement.Builder();
    List<CrowdClient> crowd = new ArrayList<>(crowdSize);
    List<PairClient> pair =
        List.of(new PairClient(shared, "speaker", true), new PairClient(shared, "listener", false));
    // The pair has a loop thread of its own, so the crowd's connects delay only the server, not
    // the client side of the latency measured.
    LoadGenerator pairLoad = new LoadGenerator(1);
    try {
      trial.status("pair joining");
      for (PairClient client : pair) {
        pairLoad.connect(trial.target(), client);
      }
      if (!shared.pair.await(t -> t.ready() + t.failed() >= 2, Duration.ofSeconds(10))
          || shared.pair.ready() < 2) {
        return result.error(shared.pair.shortfall(2, "of the pair joined")).build();
      }
      pair.get(0).startTalking();
      warmUp(trial, Math.max(1, Math.min(500, places / 4)));
      shared.pairLatency.reset();

      Duration setup = Duration.ofSeconds(30 + crowdSize / 500);
      long end = System.nanoTime() + setup.toNanos();
      for (int i = 0; i < crowdSize; i++) {
        if (i % 1_000 == 0) {
          trial.status(
              String.format(
                  "storm %,d/%,d: %,d in, %,d refused",
                  i, crowdSize, shared.admitted.sum(), shared.refused.sum()));
        }
        if (!shared.inFlight.tryAcquire(
            Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS)) {
          break; // the server stopped answering: report what was reached
        }
        CrowdClient client = new CrowdClient(shared);
        crowd.add(client);
        trial.load.connect(trial.target(), client);
      }
      int started = crowd.size();
      shared.answered.await(
          t -> t.ready() >= started, Duration.ofNanos(Math.max(0, end - System.nanoTime())));
      long unanswered =
          started - shared.admitted.sum() - shared.refused.sum() - shared.failed.sum();

      trial.pass("crowd in", trial.duration());
      trial.status("half the crowd leaves");
      List<CrowdClient> staying = new ArrayList<>();
      boolean leave = true;
      for (CrowdClient client : crowd) {
        if (client.welcomed()) {
          if (leave) {
            client.closeLater();
          } else {
            staying.add(client);
          }
          leave = !leave;
        }
      }
      trial.pass("after the leaving", Duration.ofSeconds(3));

      trial.status(String.format("stopping with %,d connected", staying.size() + 2));
      long peakRss = ProcStats.peakRssBytes(trial.server.pid());
      Histogram pairLatency = shared.pairLatency.getIntervalHistogram();
      ServerUnderTest.Stopped stopped = trial.server.stop();
      Histogram welcome = shared.welcome.getIntervalHistogram();

      long admitted = shared.admitted.sum();
      long refused = shared.refused.sum();
      long failures = shared.failed.sum() + unanswered;
      result
          .put(Metric.ADMITTED, admitted)
          .put(Metric.REFUSED, refused)
          .put(Metric.FAILURES, failures)
          .put(Metric.RSS_PEAK_MIB, peakRss / 1048576.0)
          .put(Metric.STOP_S, stopped.seconds());
      if (welcome.getTotalCount() > 0) {
        result
            .put(Metric.WELCOME_P99_MS, welcome.getValueAtPercentile(99) / 1e6)
            .put(Metric.WELCOME_MAX_MS, welcome.getMaxValue() / 1e6);
      }
      if (pairLatency.getTotalCount() > 0) {
        result
            .put(Metric.P50_US, pairLatency.getValueAtPercentile(50) / 1e3)
            .put(Metric.P99_US, pairLatency.getValueAtPercentile(99) / 1e3);
      }
      if (started < crowdSize) {
        result.error(String.format("only %,d of %,d clients could start", started, crowdSize));
      } else if (failures > 0) {
        result.error(
            String.format(
                "%,d clients got neither a welcome nor the refusal (%s)",
                failures,
                shared.firstFailure.get() == null ? "no answer" : shared.firstFailure.get()));
      } else if (admitted != places - 2) {
        result.error(
            String.format("%,d admitted, where %,d places were free", admitted, places - 2));
      } else if (stopped.exitStatus() != 0) {
        result.error("the server exited with status " + stopped.exitStatus() + " after SIGTERM");
      }
      return result.build();
    } finally {
      crowd.forEach(CrowdClient::closeLater);
      pair.forEach(PairClient::closeLater);
      int count = crowd.size();
      shared.gone.await(t -> t.closed() >= count, Duration.ofSeconds(30));
      pairLoad.close();
    }
  }
}
