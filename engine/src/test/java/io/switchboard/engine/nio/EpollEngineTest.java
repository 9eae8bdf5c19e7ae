package io.switchboard.engine.nio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.switchboard.engine.Application;
import io.switchboard.engine.Connection;
import io.switchboard.engine.Decoder;
import io.switchboard.engine.FrameException;
import io.switchboard.engine.Handler;
import io.switchboard.engine.Limits;
import io.switchboard.engine.Server;
import io.switchboard.engine.codec.LineDecoder;
import io.switchboard.engine.spi.EngineOptions;
import io.switchboard.engine.spi.EngineProvider;
import io.switchboard.engine.spi.Engines;
import java.io.IOException;
import java.io.InputStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * What only the epoll model does itself: where it can run, and socket addresses, which it reads
 * from the kernel's own structures (an IPv6 listener here; IPv4 is what every conformance suite
 * runs on). Everything else the contract says is checked for it by the conformance suites.
 */
class EpollEngineTest {

  @Test
  void isBuiltAndListedWhereItCanRun() {
    String arch = System.getProperty("os.arch");
    assumeTrue(
        Runtime.version().feature() >= 22
            && System.getProperty("os.name").startsWith("Linux")
            && (arch.equals("amd64") || arch.equals("aarch64")),
        "the epoll model needs Linux on amd64 or aarch64 and Java 22+");
    // The tests run on the JDK that compiled the build, so the model must have been compiled too:
    // this is what fails if src/main/java22 stopped compiling (that step does not fail the build).
    assertThat(EpollProvider.whyUnavailable()).isNull();
    assertThat(Engines.all()).extracting(EngineProvider::model).contains("epoll");
    assertThat(Engines.named("EPOLL")).isInstanceOf(EpollProvider.class);
  }

  @Test
  void aModelThatCannotRunHereIsLeftOutAndSaysWhyWhenAskedFor() {
    // Registered by this module's test resources; see Unrunnable below.
    assertThat(Engines.all()).extracting(EngineProvider::model).doesNotContain("unrunnable");
    EngineProvider named = Engines.named("unrunnable");
    assertThatThrownBy(() -> named.create(EngineOptions.DEFAULT))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("the unrunnable model cannot run here: " + Unrunnable.WHY);
  }

  @Test
  void servesIpv6AndKnowsBothEndsOfTheSocket() throws Exception {
    assumeTrue(EpollProvider.whyUnavailable() == null, "the epoll model cannot run here");
    InetAddress loopback6 = InetAddress.getByName("::1");
    assumeTrue(canBind(loopback6), "no IPv6 loopback on this machine");
    CompletableFuture<SocketAddress[]> ends = new CompletableFuture<>();
    Handler<String> echo =
        new Handler<>() {
          @Override
          public void opened(Connection connection) {
            ends.complete(
                new SocketAddress[] {connection.remoteAddress(), connection.localAddress()});
          }

          @Override
          public void received(Connection connection, String line) {
            connection.send(ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8)));
          }

          @Override
          public void malformed(Connection connection, FrameException error) {
            connection.abort();
          }
        };
    try (Server server =
            oneLoop(
                new InetSocketAddress(loopback6, 0),
                new Application<>("echo", LineDecoder::new, echo, ByteBuffer.allocate(0)),
                Limits.DEFAULT);
        Socket client = new Socket()) {
      assertThat(server.localAddress().getAddress()).isInstanceOf(Inet6Address.class);
      assertThat(server.localAddress().getPort()).isPositive();
      client.connect(server.localAddress(), 10_000);
      client.setSoTimeout(10_000);
      client.getOutputStream().write("héllo\n".getBytes(StandardCharsets.UTF_8));
      assertThat(readLine(client.getInputStream())).isEqualTo("héllo");
      SocketAddress[] seen = ends.get(10, TimeUnit.SECONDS);
      assertThat(seen[0]).isEqualTo(client.getLocalSocketAddress());
      assertThat(seen[1]).isEqualTo(client.getRemoteSocketAddress());
    }
  }

  /**
   * Edge-triggered, epoll reports a socket once per arrival of input. A loop that reads only its
   * share per event (16 reads of 64 KiB) must come back for the rest by itself: here megabytes wait
   * in one socket's receive buffer, arrived while the loop was held up by another connection's
   * handler, and no more input comes to report them.
   */
  @Test
  void inputLeftAfterAnEventsShareOfReadsIsReadWithoutNewInput() throws Exception {
    assumeTrue(EpollProvider.whyUnavailable() == null, "the epoll model cannot run here");
    AtomicLong counted = new AtomicLong();
    // One pair of latches per attempt: the holder's byte holds the loop until its release.
    AtomicReference<CountDownLatch> holding = new AtomicReference<>();
    AtomicReference<CountDownLatch> release = new AtomicReference<>();
    Handler<Integer> counter =
        new Handler<>() {
          @Override
          public void received(Connection connection, Integer bytes) {
            if (bytes < 0) { // the holder's one byte: keep the loop busy until released
              holding.get().countDown();
              awaitQuietly(release.get());
              return;
            }
            counted.addAndGet(bytes);
          }

          @Override
          public void malformed(Connection connection, FrameException error) {
            connection.abort();
          }
        };
    try (Server server =
            oneLoop(
                new InetSocketAddress("127.0.0.1", 0),
                new Application<>("count", limits -> new ByteCounter(), counter, EMPTY),
                Limits.DEFAULT);
        SocketChannel sender = SocketChannel.open(server.localAddress());
        SocketChannel holder = SocketChannel.open(server.localAddress())) {
      int serverPort = server.localAddress().getPort();
      int clientPort = ((InetSocketAddress) sender.getLocalAddress()).getPort();
      ByteBuffer chunk = ByteBuffer.allocate(1 << 20);
      long sent = 0;
      long waiting = 0;
      // More than a loop reads per event (16 x 64 KiB) must wait, or there is nothing to show.
      // How much the server's socket takes depends on the kernel's receive-buffer autotuning,
      // which grows with fast transfers: under load one warm-up may not be enough, so try again.
      for (int attempt = 0; attempt < 3 && waiting <= (1L << 20); attempt++) {
        if (attempt > 0) {
          release.get().countDown();
        }
        sender.configureBlocking(true);
        for (int i = 0; i < 32; i++) { // warm up: a fast transfer grows the receive buffer
          sent += writeAll(sender, chunk.clear());
        }
        long warm = sent;
        awaitTrue(() -> counted.get() == warm);
        holding.set(new CountDownLatch(1));
        release.set(new CountDownLatch(1));
        holder.write(ByteBuffer.wrap(new byte[] {HOLD}));
        assertThat(holding.get().await(10, TimeUnit.SECONDS)).isTrue();
        // The loop is held: what the sender writes now waits, in the server's socket as far as
        // its window goes, the rest in the sender's. Then wait until the server's socket has
        // taken all it will take, so that the loop, once on, finds it there.
        sender.configureBlocking(false);
        long before = sent;
        for (int written;
            sent - before < (8L << 20) && (written = sender.write(chunk.clear())) > 0; ) {
          sent += written;
        }
        waiting = settledReceiveQueue(serverPort, clientPort);
      }
      assumeTrue(waiting > (1L << 20), "the server's socket took only " + waiting + " bytes");
      release.get().countDown();
      long all = sent;
      awaitTrue(() -> counted.get() == all);
    } finally {
      if (release.get() != null) {
        release.get().countDown(); // an assumption that failed above leaves the loop held otherwise
      }
    }
  }

  /**
   * A write that stops short of what it was given must mean the socket is full: edge-triggered
   * epoll reports room again only after the socket was full. Queued buffers of 2 KiB, more than one
   * write copies at once ({@code OutboundQueue.COPY_BYTES}), to a client that reads only once they
   * are all queued.
   */
  @Test
  void everythingQueuedReachesAClientThatStartsReadingLate() throws Exception {
    assumeTrue(EpollProvider.whyUnavailable() == null, "the epoll model cannot run here");
    int lines = 1_000;
    byte[] line = ("x".repeat(2047) + "\n").getBytes(StandardCharsets.US_ASCII);
    CountDownLatch queued = new CountDownLatch(1);
    Handler<String> sender =
        new Handler<>() {
          @Override
          public void opened(Connection connection) {
            for (int i = 0; i < lines; i++) {
              connection.send(ByteBuffer.wrap(line));
            }
            queued.countDown();
          }

          @Override
          public void received(Connection connection, String frame) {}

          @Override
          public void malformed(Connection connection, FrameException error) {
            connection.abort();
          }
        };
    Limits roomy = Limits.DEFAULT.withMaxQueuedBytes(8L << 20).withWaterMarks(4 << 20, 6 << 20);
    try (Server server =
            oneLoop(
                new InetSocketAddress("127.0.0.1", 0),
                new Application<>("send", LineDecoder::new, sender, EMPTY),
                roomy);
        Socket client = new Socket()) {
      client.setReceiveBufferSize(8192);
      client.connect(server.localAddress(), 10_000);
      client.setSoTimeout(20_000);
      assertThat(queued.await(10, TimeUnit.SECONDS)).isTrue();
      long expected = (long) lines * line.length;
      long read = 0;
      byte[] into = new byte[8192];
      for (int n; read < expected && (n = client.getInputStream().read(into)) > 0; ) {
        read += n;
      }
      assertThat(read).isEqualTo(expected);
    }
  }

  private static final byte HOLD = 1;
  private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

  /** Frames are byte counts: one per read; a read of the single byte {@link #HOLD} is -1. */
  private static final class ByteCounter implements Decoder<Integer> {
    @Override
    public void decode(ByteBuffer in, Decoder.FrameSink<? super Integer> sink) {
      int count = in.remaining();
      if (count == 0) {
        return;
      }
      boolean hold = count == 1 && in.get(in.position()) == HOLD;
      in.position(in.limit());
      sink.accept(hold ? -1 : count);
    }
  }

  private static long writeAll(SocketChannel channel, ByteBuffer bytes) throws IOException {
    long total = 0;
    while (bytes.hasRemaining()) {
      total += channel.write(bytes);
    }
    return total;
  }

  /**
   * The receive queue of the socket from {@code localPort} to {@code remotePort} once it has
   * stopped growing (the same over 20 ms), within 10 s.
   */
  private static long settledReceiveQueue(int localPort, int remotePort) throws IOException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    long last = -1;
    long since = System.nanoTime();
    while (System.nanoTime() - deadline < 0) {
      long now = tcpQueues(localPort, remotePort)[1];
      if (now != last) {
        last = now;
        since = System.nanoTime();
      } else if (System.nanoTime() - since > TimeUnit.MILLISECONDS.toNanos(20)) {
        return now;
      }
      LockSupport.parkNanos(1_000_000);
    }
    throw new AssertionError("the receive queue kept changing for 10 s");
  }

  /**
   * The kernel's send and receive queue lengths (tx_queue, rx_queue) of the socket from {@code
   * localPort} to {@code remotePort}, from /proc/net/tcp.
   */
  private static long[] tcpQueues(int localPort, int remotePort) throws IOException {
    String local = String.format(":%04X", localPort);
    String remote = String.format(":%04X", remotePort);
    // The JDK's sockets are IPv6 ones (dual-stack), listed in tcp6; the epoll model's in tcp.
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      for (String line : Files.readAllLines(Path.of(table))) {
        String[] fields = line.trim().split("\\s+");
        if (fields.length > 4 && fields[1].endsWith(local) && fields[2].endsWith(remote)) {
          String[] queues = fields[4].split(":");
          return new long[] {Long.parseLong(queues[0], 16), Long.parseLong(queues[1], 16)};
        }
      }
    }
    throw new IOException("no socket from port " + localPort + " to " + remotePort);
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void awaitTrue(BooleanSupplier condition) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("condition not met within 20 s");
      }
      LockSupport.parkNanos(1_000_000);
    }
  }

  /** The epoll model with one loop, so that every connection shares it. */
  private static <F> Server oneLoop(InetSocketAddress address, Application<F> app, Limits limits)
      throws IOException {
    return new EpollProvider()
        .create(EngineOptions.DEFAULT.withThreads(1))
        .start(address, app, limits);
  }

  private static boolean canBind(InetAddress address) {
    try (ServerSocket probe = new ServerSocket(0, 1, address)) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static String readLine(InputStream in) throws IOException {
    var line = new java.io.ByteArrayOutputStream();
    for (int b; (b = in.read()) != '\n'; ) {
      if (b < 0) {
        throw new IOException("end of stream before a whole line: " + line);
      }
      line.write(b);
    }
    return line.toString(StandardCharsets.UTF_8);
  }

  /** A model that says it cannot run anywhere, registered for the test above. */
  public static final class Unrunnable extends EngineProvider {
    static final String WHY = "it exists only to be unavailable";

    public Unrunnable() {
      super(
          "unrunnable",
          99,
          "a model for a test",
          options -> {
            throw new AssertionError("never made: the model is unavailable");
          });
    }

    @Override
    public String unavailable() {
      return WHY;
    }
  }
}
