package io.switchboard.bench;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * {@code soak}: the chat hub under a steady churn for a long time. N sessions run at once (the
 * point's count); each connects, takes a name, joins one of N / 20 rooms, says {@value #MESSAGES}
 * stamped lines at its share of the total rate ({@code --rate}), says {@code /quit}, and once the
 * hub has closed it a new session takes its slot. What leaks shows as a difference between the
 * server's figures at the start of the measured time (after the warm-up) and at its end: open file
 * descriptors, threads, RSS (also half-way, to tell a heap reaching its working size from a leak),
 * and the heap after a full GC (asked with {@link HeapProbe}). Delivery latency and failed sessions
 * are reported too: a soak that drops members is no soak.
 *
 * <p>Thread contract: {@link #run} runs on the bench's driving thread; sessions live on loop
 * threads and start their successors there.
 */
final class SoakScenario {
  private SoakScenario() {}

  /** Lines one session says before it quits. */
  static final int MESSAGES = 20;

  /** Members per room, about. */
  private static final int ROOM_SIZE = 20;

  private static final class Shared {
    final Trial trial;
    final int slots;
    final int rooms;
    final long intervalNanos;
    final Recorder latency = new Recorder(3);
    final LongAdder sessions = new LongAdder();
    final LongAdder failures = new LongAdder();
    final AtomicReference<String> firstFailure = new AtomicReference<>();
    final AtomicLong generation = new AtomicLong();
    final Set<Session> live = ConcurrentHashMap.newKeySet();
    final Tally gone = new Tally();
    volatile boolean running = true;

    Shared(Trial trial, int slots, double rate) {
      this.trial = trial;
      this.slots = slots;
      this.rooms = Math.max(1, slots / ROOM_SIZE);
      this.intervalNanos = (long) (1e9 * slots / rate);
    }

    void failed(String why) {
      failures.increment();
      firstFailure.compareAndSet(null, why);
    }

    /** Starts a session in {@code slot}; any thread. */
    void start(int slot, int messages) {
      if (!running) {
        return;
      }
      Session session = new Session(this, slot, messages);
      live.add(session);
      try {
        trial.load.connect(trial.target(), session);
      } catch (IOException e) {
        live.remove(session);
        failed(e.toString());
      }
    }
  }

  /** One session: connect, join, talk, quit; its successor starts when the hub has closed it. */
  private static final class Session extends LoadConnection {
    private final Shared shared;
    private final int slot;
    private final int messages;
    private final String nick;
    private final String room;
    private boolean joined;
    private boolean quit;
    private int said;
    private long nextNanos;

    Session(Shared shared, int slot, int messages) {
      this.shared = shared;
      this.slot = slot;
      this.messages = messages;
      this.nick = "s" + slot + "-" + shared.generation.incrementAndGet();
      this.room = "soak-" + slot % shared.rooms;
    }

    @Override
    protected void connected() {
      send(ChatProtocol.join(nick, room));
    }

    @Override
    protected void line(byte[] bytes, int start, int length, long nowNanos) {
      if (!joined && ChatProtocol.isJoined(bytes, start, length, room)) {
        joined = true;
        nextNanos = nowNanos;
        startTicking();
        return;
      }
      if (ChatProtocol.isError(bytes, start, length)) {
        shared.failed(new String(bytes, start, length, java.nio.charset.StandardCharsets.UTF_8));
        return;
      }
      long stamp = ChatProtocol.stampOf(bytes, start, length);
      if (stamp > 0) {
        shared.latency.recordValue(Math.max(0, nowNanos - stamp));
      }
    }

    @Override
    protected void tick(long nowNanos) {
      if (quit || nowNanos < nextNanos) {
        return;
      }
      nextNanos += shared.intervalNanos;
      if (said < messages && shared.running) {
        said++;
        send(ChatProtocol.stamped(System.nanoTime()));
      } else {
        quit = true;
        send(ChatProtocol.quit()); // the hub answers "= bye" and closes
      }
    }

    @Override
    protected void closed(IOException cause) {
      shared.live.remove(this);
      shared.gone.addClosed();
      if (quit && cause == null) {
        shared.sessions.increment();
      } else if (shared.running) {
        shared.failed(
            cause == null
                ? "the hub closed a session before it quit"
                : "session " + nick + ": " + cause);
      }
      shared.start(slot, MESSAGES);
    }

    void closeLater() {
      execute(this::close);
    }
  }

  /**
   * The serve options: a session says {@code rate / sessions} lines a second; the flood limit is
   * raised to twice that where it would be in the way.
   */
  static List<String> serverArgs(Point point) {
    long perSession = (long) Math.ceil(point.rate() / (double) Math.max(1, point.connections()));
    return List.of("--chat-rate-limit", Long.toString(Math.max(50, 2 * perSession)));
  }

  static Measurement run(Trial trial) throws IOException, InterruptedException {
    int slots = trial.point.connections();
    Shared shared = new Shared(trial, slots, trial.point.rate());
    Measurement.Builder result = new Measurement.Builder();
    long pid = trial.server.pid();
    try {
      trial.status(String.format("starting %,d sessions", slots));
      for (int slot = 0; slot < slots; slot++) {
        // Sessions of uneven length at first, so they do not all quit at the same moment.
        shared.start(slot, 1 + ThreadLocalRandom.current().nextInt(MESSAGES));
      }
      trial.pass("warm-up", trial.options.warmup());

      Figures start = Figures.read(trial, pid);
      shared.latency.reset();
      long sessionsBefore = shared.sessions.sum();
      long failuresBefore = shared.failures.sum();
      // RSS half-way too: a heap grows to its working size (the serial collector extends the old
      // generation before it collects it), then stays; a leak keeps growing in the second half.
      Duration half = trial.duration().dividedBy(2);
      trial.pass("soaking, first half", half);
      long rssHalf = trial.server.stats().rssBytes();
      trial.pass("soaking, second half", trial.duration().minus(half));
      Figures end = Figures.read(trial, pid);
      long sessions = shared.sessions.sum() - sessionsBefore;
      long failures = shared.failures.sum() - failuresBefore;
      Histogram latency = shared.latency.getIntervalHistogram();

      result
          .put(Metric.SESSIONS, sessions)
          .put(Metric.FAILURES, failures)
          .put(Metric.FDS_START, start.fds())
          .put(Metric.FDS_END, end.fds())
          .put(Metric.THREADS_START, start.threads())
          .put(Metric.THREADS_END, end.threads())
          .put(Metric.RSS_START_MIB, start.rssBytes() / 1048576.0)
          .put(Metric.RSS_HALF_MIB, rssHalf / 1048576.0)
          .put(Metric.RSS_END_MIB, end.rssBytes() / 1048576.0)
          .put(Metric.SERVER_CPU_S, end.cpuSeconds() - start.cpuSeconds());
      if (start.heapBytes() >= 0 && end.heapBytes() >= 0) {
        result
            .put(Metric.HEAP_START_MIB, start.heapBytes() / 1048576.0)
            .put(Metric.HEAP_END_MIB, end.heapBytes() / 1048576.0);
      } else {
        result.error(
            "heap after GC not measured: "
                + (start.heapError() != null ? start.heapError() : end.heapError()));
      }
      if (latency.getTotalCount() > 0) {
        result
            .put(Metric.P50_US, latency.getValueAtPercentile(50) / 1e3)
            .put(Metric.P99_US, latency.getValueAtPercentile(99) / 1e3);
      }
      if (failures > 0) {
        result.error(failures + " sessions failed (" + shared.firstFailure.get() + ")");
      } else if (sessions == 0) {
        result.error("no session completed while measuring");
      }
      return result.build();
    } finally {
      shared.running = false;
      trial.status("ending the sessions");
      for (Session session : List.copyOf(shared.live)) {
        session.closeLater();
      }
      shared.gone.await(t -> shared.live.isEmpty(), Duration.ofSeconds(30));
    }
  }

  /**
   * The server's figures at one moment; the heap after a full GC, or -1 and why it could not be
   * read.
   */
  private record Figures(
      int fds, int threads, long rssBytes, double cpuSeconds, long heapBytes, String heapError) {
    static Figures read(Trial trial, long pid) throws IOException, InterruptedException {
      trial.status("reading the server's figures");
      long heapBytes = -1;
      String heapError = null;
      if (!trial.server.isOwnJvm()) {
        heapError = "the server is no JVM of its own";
      } else {
        try {
          heapBytes = HeapProbe.heapAfterGc(pid); // first: it starts the attach listener thread
        } catch (IOException e) {
          heapError = e.getMessage();
        }
      }
      ProcStats stats = trial.server.stats();
      return new Figures(
          ProcStats.openFiles(pid),
          stats.threads(),
          stats.rssBytes(),
          stats.cpuSeconds(),
          heapBytes,
          heapError);
    }
  }
}
