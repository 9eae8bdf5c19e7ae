package io.switchboard.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
 * {@code fanout}: R receivers and K senders in one chat room; the senders send at a fixed total
 * rate (open loop: the schedule does not wait for the server), every message carries its send time,
 * and receivers record how long each delivery took. Reports deliveries/s, delivery latency and the
 * delivery ratio: of the messages sent during the measured window, the share that reached every
 * receiver (counted after a drain, so late deliveries count, lost ones do not). With two nodes
 * ({@code --nodes 2}) the receivers are on one node and the senders on the other.
 *
 * <p>Thread contract: {@link #run} runs on the bench's driving thread; clients live on loop
 * threads.
 */
final class FanoutScenario {
  private FanoutScenario() {}

  /** A sender gives up on sending while this much output is stuck (the server stopped reading). */
  private static final int MAX_UNWRITTEN = 1 << 20;

  /** A sender that fell behind its schedule sends at most this many messages at once. */
  private static final int MAX_CATCH_UP = 1_000;

  private static final class Shared {
    final Recorder latency = new Recorder(3);
    final LongAdder sentInWindow = new LongAdder();
    final LongAdder deliveredInWindow = new LongAdder();
    final LongAdder skipped = new LongAdder();

    /** The first error line the hub sent (a flood notice would mean lost messages), if any. */
    final AtomicReference<String> serverError = new AtomicReference<>();

    final Tally tally = new Tally();
    final Tally synced = new Tally();
    final Semaphore connecting = new Semaphore(256);

    /** The measured window on {@link System#nanoTime}'s clock, set before anyone sends. */
    volatile long windowStart = Long.MAX_VALUE;

    volatile long windowEnd = Long.MAX_VALUE;
    volatile boolean sending;
  }

  private static final class ChatClient extends LoadConnection {
    private final Shared shared;
    private final String nick;
    private final boolean receiver;
    private final double perSenderRate;
    private boolean ready;
    private boolean synced;
    private long startNanos;
    private long scheduled;

    ChatClient(Shared shared, String nick, boolean receiver, double perSenderRate) {
      this.shared = shared;
      this.nick = nick;
      this.receiver = receiver;
      this.perSenderRate = perSenderRate;
    }

    @Override
    protected void connected() {
      send(ChatProtocol.join(nick));
      ready = true;
      shared.connecting.release();
      shared.tally.addReady();
    }

    @Override
    protected void line(byte[] bytes, int start, int length, long nowNanos) {
      if (ChatProtocol.isError(bytes, start, length)) {
        shared.serverError.compareAndSet(
            null, new String(bytes, start, length, StandardCharsets.UTF_8));
        return;
      }
      if (!synced && ChatProtocol.isSync(bytes, start, length)) {
        synced = true;
        shared.synced.addReady();
        return;
      }
      if (receiver) {
        long stamp = ChatProtocol.stampOf(bytes, start, length);
        if (stamp >= shared.windowStart && stamp < shared.windowEnd) {
          shared.latency.recordValue(Math.max(0, nowNanos - stamp));
          shared.deliveredInWindow.increment();
        }
      }
    }

    void startSending() {
      execute(
          () -> {
            startNanos = System.nanoTime();
            scheduled = 0;
            startTicking();
          });
    }

    void sendSync() {
      execute(() -> send(ChatProtocol.sync()));
    }

    @Override
    protected void tick(long nowNanos) {
      if (!shared.sending) {
        return;
      }
      long due = (long) ((nowNanos - startNanos) / 1e9 * perSenderRate);
      if (due - scheduled > MAX_CATCH_UP) { // far behind (a stall): skip rather than burst
        shared.skipped.add(due - scheduled - MAX_CATCH_UP);
        scheduled = due - MAX_CATCH_UP;
      }
      while (scheduled < due) {
        scheduled++;
        if (unwrittenBytes() > MAX_UNWRITTEN) {
          shared.skipped.increment();
          continue;
        }
        long now = System.nanoTime();
        send(ChatProtocol.stamped(now));
        if (now >= shared.windowStart && now < shared.windowEnd) {
          shared.sentInWindow.increment();
        }
      }
    }

    @Override
    protected void closed(IOException cause) {
      if (!ready) {
        shared.connecting.release();
      }
      shared.tally.addClosed(ready, cause);
    }
  }

  /**
   * The {@code serve} options the chat hub needs for a point: each sender sends {@code rate /
   * senders} lines a second, far above a person's flood limit (50/s), so the limit is raised to
   * twice that, with a burst that covers the most a sender sends at once after a stall. The hub's
   * other settings stay as people get them.
   */
  static List<String> serverArgs(Point point, int senders) {
    long perSender = (long) Math.ceil(point.rate() / (double) senders);
    return List.of(
        "--chat-rate-limit",
        Long.toString(Math.max(50, 2 * perSender)),
        "--chat-burst",
        Long.toString(Math.max(MAX_CATCH_UP, 2 * perSender)));
  }

  static Measurement run(Trial trial) throws IOException, InterruptedException {
    int receivers = trial.point.connections();
    int senders = trial.options.senders();
    int members = receivers + senders;
    double perSenderRate = trial.point.rate() / (double) senders;
    Shared shared = new Shared();
    List<ChatClient> clients = new ArrayList<>(members);
    Measurement.Builder result = new Measurement.Builder();
    Duration setup = Trial.setupDeadline(members);
    try {
      long end = System.nanoTime() + setup.toNanos();
      for (int i = 0; i < members; i++) {
        if (i % 500 == 0) {
          trial.status(String.format("joining %,d/%,d", i, members));
        }
        if (!shared.connecting.tryAcquire(
            Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS)) {
          break;
        }
        boolean receiver = i < receivers;
        ChatClient client =
            new ChatClient(shared, (receiver ? "r" : "s") + i, receiver, perSenderRate);
        clients.add(client);
        trial.load.connect(receiver ? trial.target() : trial.sendersTarget(), client);
      }
      int opened = clients.size();
      shared.tally.await(t -> t.ready() + t.failed() >= opened, setup);
      if (shared.tally.ready() < members) {
        return result.error(shared.tally.shortfall(members, "members connected")).build();
      }
      if (!sync(trial, clients.get(receivers), shared, members - 1, setup)) {
        return result
            .error(
                String.format(
                    "only %,d of %,d members heard the room", shared.synced.ready(), members - 1))
            .build();
      }
      // The window's bounds are fixed before the first message: senders and receivers decide
      // whether a stamp is in it by the same two numbers. Set while sending, a sender could take
      // a stamp after the bound's clock reading but before seeing it, and count that message
      // differently from the receivers that count its deliveries.
      shared.windowStart = System.nanoTime() + trial.options.warmup().toNanos();
      shared.windowEnd = shared.windowStart + trial.duration().toNanos();
      shared.sending = true;
      clients.subList(receivers, members).forEach(ChatClient::startSending);
      trial.passUntil("warm-up", shared.windowStart);
      Trial.Window window = trial.openWindow();
      trial.passUntil("measuring", shared.windowEnd);
      Trial.Span span = trial.closeWindow(window);
      shared.sending = false;
      trial.status("draining");
      long expected = shared.sentInWindow.sum() * receivers;
      long drainEnd = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      while (shared.deliveredInWindow.sum() < expected && System.nanoTime() < drainEnd) {
        Thread.sleep(20); // deliveries arrive on loop threads with no signal of their own
      }
      Histogram latency = shared.latency.getIntervalHistogram();
      long delivered = shared.deliveredInWindow.sum();
      int lost = shared.tally.closed() - shared.tally.failed();
      if (lost > 0) {
        result.error(lost + " members were disconnected during the run");
      } else if (shared.serverError.get() != null) {
        result.error("the hub answered " + shared.serverError.get());
      }
      double seconds = (shared.windowEnd - shared.windowStart) / 1e9;
      result
          .put(Metric.SENT_PER_S, shared.sentInWindow.sum() / seconds)
          .put(Metric.DELIVERIES_PER_S, delivered / seconds)
          .put(Metric.DELIVERY_RATIO, expected == 0 ? 0 : delivered / (double) expected)
          .put(Metric.SERVER_CPU_S, span.serverCpu())
          .put(Metric.CLIENT_CPU_S, span.loadCpu())
          .put(Metric.RSS_MIB, span.serverNow().rssBytes() / 1048576.0)
          .put(Metric.THREADS, span.serverNow().threads());
      if (latency.getTotalCount() > 0) {
        result
            .put(Metric.P50_US, latency.getValueAtPercentile(50) / 1e3)
            .put(Metric.P99_US, latency.getValueAtPercentile(99) / 1e3)
            .put(Metric.P999_US, latency.getValueAtPercentile(99.9) / 1e3);
      }
      return result.build();
    } finally {
      for (ChatClient client : clients) {
        client.execute(client::close);
      }
      int count = clients.size();
      shared.tally.await(t -> t.closed() >= count, Duration.ofSeconds(30));
    }
  }

  /**
   * Makes sure every member is in the room before the clock starts: one sender repeats a sync
   * message until all other members (receivers and senders) have heard it.
   */
  private static boolean sync(
      Trial trial, ChatClient sender, Shared shared, int listeners, Duration deadline)
      throws InterruptedException {
    long end = System.nanoTime() + deadline.toNanos();
    while (System.nanoTime() < end) {
      trial.status(String.format("syncing room %,d/%,d", shared.synced.ready(), listeners));
      sender.sendSync();
      if (shared.synced.await(t -> t.ready() >= listeners, Duration.ofMillis(200))) {
        return true;
      }
    }
    return false;
  }
}
