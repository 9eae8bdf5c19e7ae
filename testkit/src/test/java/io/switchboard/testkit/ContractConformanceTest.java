package io.switchboard.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.switchboard.engine.Connection;
import io.switchboard.engine.Limits;
import io.switchboard.engine.OutboundOverflowException;
import io.switchboard.engine.Server;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The {@link Connection} and handler contract, checked once for every registered model and variant,
 * like {@link EchoConformanceTest}: file ranges, the queue's hard cap, pause and catch-up, sends
 * from other threads, callbacks never nested, one {@code closed} per connection. The application is
 * {@link CommandEcho}; {@link ProbeHandler} records what the handler saw.
 */
class ContractConformanceTest {
  private final List<AutoCloseable> resources = new ArrayList<>();
  private ProbeHandler<String> probe;
  private CommandEcho app;

  @TempDir Path dir;

  @AfterEach
  void release() throws Exception {
    for (AutoCloseable resource : resources.reversed()) {
      resource.close();
    }
  }

  private Server start(ModelVariant model, Limits limits, Path file) {
    app = new CommandEcho(file);
    @SuppressWarnings({"unchecked", "rawtypes"})
    ProbeHandler<String>[] holder = new ProbeHandler[1];
    Server server = model.start(ProbeHandler.wrap(app.application(), holder), limits);
    probe = holder[0];
    resources.add(server);
    return server;
  }

  private LineClient client(Server server) {
    return client(server, 0);
  }

  private LineClient client(Server server, int receiveBufferSize) {
    LineClient client = LineClient.connect(server.localAddress(), receiveBufferSize);
    resources.add(client);
    return client;
  }

  /**
   * Files sent to peers that read nothing fill their sockets, and the writers must then wait, not
   * spin: one more such peer than there are cores, so that on {@code virtual}, where {@code
   * transferTo} returns 0 on a full socket instead of waiting, writers spinning on every carrier
   * thread would leave none for anyone else. Another client is answered meanwhile.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("io.switchboard.testkit.ModelVariant#all")
  void filesToPeersThatDoNotReadDoNotStallOthers(ModelVariant model) throws IOException {
    assumeTrue(model.concurrent(), "serves one client at a time: nothing to run at once");
    assumeTrue(TcpStates.available(), "needs the kernel's socket table");
    int size = 16 << 20; // more than both sockets' buffers can hold
    Path file = dir.resolve("large.bin");
    LargeFiles.write(file, size);
    int stalled = Runtime.getRuntime().availableProcessors() + 1;
    Server server =
        model.start(
            new CommandEcho(file).application(),
            Limits.DEFAULT.withMaxQueuedBytes(2L * size),
            stalled + 1);
    resources.add(server);
    for (int i = 0; i < stalled; i++) {
      client(server, 4096).send("FILE 0 " + size); // and never read
    }
    Await.steady(
        "the unread bytes of the files",
        () -> TcpStates.unread(server.localAddress().getPort()),
        Duration.ofMillis(300));

    LineClient other = client(server);
    other.send("still there?");
    assertThat(other.readLine()).isEqualTo("still there?");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.switchboard.testkit.ModelVariant#all")
  void sendFileSendsTheRangeExactlyAndLeavesTheChannelToTheApp(ModelVariant model)
      throws IOException {
    byte[] content = new byte[300 * 1024 + 7];
    new Random(42).nextBytes(content);
    Path file = Files.write(dir.resolve("payload.bin"), content);
    // A queue cap above the file, water marks below it: the file crosses them like other output.
    Server server =
        start(
            model,
            Limits.DEFAULT.withWaterMarks(32 * 1024, 64 * 1024).withMaxQueuedBytes(1 << 20),
            file);
    LineClient client = client(server);

    client.send("FILE 1000 200000").send("after the range");
    assertThat(client.readBytes(200_000)).isEqualTo(Arrays.copyOfRange(content, 1000, 201_000));
    assertThat(client.readLine())
        .as("output after the file keeps its order")
        .isEqualTo("after the range");
    // The same channel again: the connection did not close it after the first range.
    client.send("FILE 0 " + content.length);
    assertThat(client.readBytes(content.length)).isEqualTo(content);
    assertThat(app.openedFiles())
        .singleElement()
        .satisfies(channel -> assertThat(channel.isOpen()).isTrue());

    client.close();
    Await.until("the handler hears of the close", () -> probe.closedCount() == 1);
    assertThat(app.openedFiles()).allMatch(channel -> !channel.isOpen()); // closed by the app
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.switchboard.testkit.ModelVariant#all")
  void theConnectionKnowsBothEndsOfItsSocket(ModelVariant model) {
    Server server = start(model, Limits.DEFAULT, null);
    LineClient client = client(server);

    client.send("hello");
    assertThat(client.readLine()).isEqualTo("hello");
    // The address the client reached, which FTP's PASV reply must name (never the wildcard).
    assertThat(app.latest().localAddress()).isEqualTo(server.localAddress());
    assertThat(app.latest().remoteAddress()).isEqualTo(client.socket().getLocalSocketAddress());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.switchboard.testkit.ModelVariant#all")
  void sendPastTheQueueCapAbortsWithOverflow(ModelVariant model) {
    long cap = 256 * 1024;
    Server server =
        start(
            model,
            Limits.DEFAULT.withWaterMarks(16 * 1024, 32 * 1024).withMaxQueuedBytes(cap),
            null);
    LineClient client = client(server, 16 * 1024);
    long flood = 100_000L * 1024;

    client.send("FLOOD 100000");
    Await.until("the handler hears of the close", () -> probe.closedCount() == 1);
    assertThat(probe.only().closeCause).isInstanceOf(OutboundOverflowException.class);
    assertThat(app.floodRefused()).as("the send that overflowed returned false").isTrue();
    // Queued output is discarded: the client gets at most what was written before the abort,
    // which the cap and the socket buffers on the way (a few MiB at most) bound.
    assertThat(client.drainUntilClosed()).isLessThan(flood / 10);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.switchboard.testkit.ModelVariant#all")
  void pausedClientGetsEveryByteOnceItReads(ModelVariant model) throws Exception {
    Server server =
        start(
            model,
            Limits.DEFAULT.withWaterMarks(8 * 1024, 16 * 1024).withMaxQueuedBytes(64 * 1024),
            null);
    LineClient client = client(server, 16 * 1024); // so the kernel cannot hide the backlog
    byte[] line =
        "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde\n"
            .getBytes(StandardCharsets.UTF_8);
    int count = 128 * 1024; // 8 MiB each way: past every socket buffer on the way
    byte[] chunk = new byte[line.length * 256];
    for (int i = 0; i < 256; i++) {
      System.arraycopy(line, 0, chunk, i * line.length, line.length);
    }
    Thread writer =
        Thread.ofPlatform()
            .daemon()
            .start(
                () -> {
                  try {
                    OutputStream out = client.socket().getOutputStream();
                    for (int i = 0; i < count / 256; i++) {
                      out.write(chunk);
                    }
                    client.socket().shutdownOutput();
                  } catch (IOException e) {
                    // the assertions below say what went wrong
                  }
                });
    resources.add(writer::interrupt);
    // Not reading yet: the server stops taking lines in (paused at the high mark, or blocked in
    // its write) once its send buffer (at most 4 MiB here), the client's 16 KiB and the 64 KiB
    // queue are full, long before the last line; it never overflows the cap.
    long takenWhileStalled =
        Await.steady(
            "the server stops taking lines in", probe::totalFrames, Duration.ofMillis(200));
    assertThat(takenWhileStalled).isLessThan(count);

    InputStream in = client.socket().getInputStream();
    byte[] buffer = new byte[64 * 1024];
    long received = 0;
    int offset = 0; // position within the repeated line, to check every byte
    for (int n; (n = in.read(buffer)) > 0; ) {
      for (int i = 0; i < n; i++) {
        if (buffer[i] != line[offset]) {
          throw new AssertionError("byte " + (received + i) + " differs");
        }
        offset = (offset + 1) % line.length;
      }
      received += n;
    }
    assertThat(received).isEqualTo((long) count * line.length);
    Await.until("the handler hears of the close", () -> probe.closedCount() == 1);
    assertThat(probe.only().closeCause).as("closed in order, never overflowed").isNull();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.switchboard.testkit.ModelVariant#all")
  void sendFromAnotherThreadReachesAnIdleConnection(ModelVariant model) {
    Server server = start(model, Limits.DEFAULT, null);
    LineClient client = client(server);
    // After a round trip the model is idle: waiting to read, or in its loop's select. Nothing
    // but the send itself can make it write; a model that missed the wake-up would sit until the
    // idle timeout (minutes), far past the read deadline.
    assertThat(client.send("ready").readLine()).isEqualTo("ready");
    Connection connection = app.latest();
    for (int i = 0; i < 3; i++) {
      assertThat(connection.send("pushed " + i + "\n")).isTrue();
      assertThat(client.readLine()).isEqualTo("pushed " + i);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.switchboard.testkit.ModelVariant#all")
  void callbacksRaisedInsideACallbackAreNotNestedInIt(ModelVariant model) {
    Server server = start(model, Limits.DEFAULT, null);
    int big = 128 * 1024; // past the default high-water mark in one send

    // Unwritable is raised by the send inside received, writable again once the client reads.
    LineClient sending = client(server);
    sending.send("BIG " + big);
    assertThat(sending.readBytes(big)).hasSize(big);
    Await.until(
        "both writability changes are delivered", () -> probe.only().writabilityChanges.get() == 2);
    sending.close();
    Await.until("the handler hears of the close", () -> probe.closedCount() == 1);

    // close() inside received: what was queued is flushed, a later send is refused.
    LineClient closing = client(server);
    closing.send("BIG-THEN-CLOSE " + big);
    assertThat(closing.drainUntilClosed())
        .as("everything queued before close, nothing after")
        .isEqualTo(big);
    Await.until("the handler hears of the close", () -> probe.closedCount() == 2);
    assertThat(app.sendAfterCloseAccepted()).as("a send after close() is refused").isFalse();
    closing.close();

    // abort() inside received raises closed, which must wait until received returns.
    LineClient aborting = client(server);
    aborting.send("ABORT");
    aborting.drainUntilClosed();
    Await.until("the handler hears of the abort", () -> probe.closedCount() == 3);

    assertThat(probe.records().values())
        .allSatisfy(
            r -> {
              assertThat(r.overlapped).as("a callback ran inside another").isFalse();
              assertThat(r.outOfOrder).isFalse();
              assertThat(r.closedCalls.get()).isEqualTo(1);
              assertThat(r.closeCause).isNull();
            });
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.switchboard.testkit.ModelVariant#all")
  void peerResetWithOutputPendingIsHeardExactlyOnce(ModelVariant model) throws IOException {
    Server server = start(model, Limits.DEFAULT, null);
    LineClient client = client(server, 16 * 1024);
    // 2 MiB, under the 4 MiB cap, unread: the server has output pending when the reset comes, so
    // both its reads and its writes fail.
    client.send("FLOOD 2048");
    Await.until("the flood is queued", app::floodDone);
    client.reset();
    Await.until("the handler hears of the reset", () -> probe.closedCount() == 1);
    server.close(); // after shutdown nothing more can be raised
    assertThat(probe.only().closedCalls.get()).isEqualTo(1);
    assertThat(probe.only().outOfOrder).isFalse();
    assertThat(probe.only().overlapped).isFalse();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.switchboard.testkit.ModelVariant#all")
  void aLineTrickledSlowerThanTheFrameTimeoutIsClosedWithAReason(ModelVariant model) {
    Duration timeout = Duration.ofMillis(600);
    Server server =
        start(model, Limits.DEFAULT.withFrameTimeout(timeout).withIdleTimeout(Duration.ZERO), null);
    LineClient client = client(server);
    assertThat(client.send("a whole line").readLine()).isEqualTo("a whole line");
    // One byte every 100 ms (a pace, not a wait): never idle, never a whole line.
    long started = System.nanoTime();
    Thread trickle = client.trickle((byte) 'x', Duration.ofMillis(100));
    resources.add(trickle::interrupt);
    assertThat(client.readLine()).isEqualTo("ERROR line not complete within 600 ms");
    assertThat(client.closedByServer(Await.DEFAULT)).isTrue();
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    assertThat(took).as("closed near the deadline, not at once").isGreaterThan(timeout);
    Await.until("the slot is free", () -> server.connectionCount() == 0);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.switchboard.testkit.ModelVariant#all")
  void aClosingConnectionWhosePeerReadsNothingIsAbortedAtTheCloseTimeout(ModelVariant model) {
    Server server =
        start(
            model,
            Limits.DEFAULT.withCloseTimeout(Duration.ofMillis(500)).withMaxQueuedBytes(32 << 20),
            null);
    LineClient client = client(server, 16 * 1024);
    // 12 MiB then close(): far more than the socket buffers hold (a send buffer of at most 4 MiB
    // here), and the client never reads, so the close can never finish by itself.
    client.send("BIG-THEN-CLOSE " + (12 << 20));
    Await.until("the handler hears of the abort", () -> probe.closedCount() == 1);
    assertThat(probe.only().closeCause)
        .isInstanceOf(IOException.class)
        .hasMessageContaining("read nothing");
    assertThat(server.connectionCount()).isZero();
    assertThat(client.closedByServer(Await.DEFAULT)).isTrue();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.switchboard.testkit.ModelVariant#all")
  void aDroppedConnectionFreesItsPlaceAtOnceAndIsGoneAtTheDropTimeout(ModelVariant model) {
    Duration dropTimeout = Duration.ofSeconds(1);
    Server server =
        start(
            model, Limits.DEFAULT.withDropTimeout(dropTimeout).withMaxQueuedBytes(32 << 20), null);
    LineClient client = client(server, 16 * 1024);
    // 12 MiB, then drop: far more than the socket buffers hold, and the client never reads.
    long started = System.nanoTime();
    client.send("BIG-THEN-DROP " + (12 << 20));
    Await.until(
        "the place is free long before the drop timeout",
        dropTimeout.dividedBy(2),
        () -> server.connectionCount() == 0);
    assertThat(probe.closedCount()).as("closed while its last words may still go").isZero();
    assertThat(app.sendAfterCloseAccepted()).as("a send after drop was accepted").isFalse();
    Await.until("the handler hears of the abort", () -> probe.closedCount() == 1);
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThan(dropTimeout);
    assertThat(probe.only().closeCause)
        .isInstanceOf(IOException.class)
        .hasMessageContaining("last words");
    assertThat(client.closedByServer(Await.DEFAULT)).isTrue();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.switchboard.testkit.ModelVariant#all")
  void aDroppedConnectionWhosePeerReadsGetsTheLastWordsThenTheEnd(ModelVariant model) {
    Server server = start(model, Limits.DEFAULT.withDropTimeout(Await.DEFAULT), null);
    LineClient client = client(server);
    client.send("BIG-THEN-DROP " + (256 << 10));
    assertThat(client.readBytes(256 << 10)).containsOnly(0);
    assertThat(client.readLine()).isEmpty(); // the end of the zeros' line
    assertThat(client.untilClosed()).containsExactly("DROPPED");
    Await.until("the handler hears of the close", () -> probe.closedCount() == 1);
    assertThat(probe.only().closeCause).isNull();
    assertThat(server.connectionCount()).isZero();
  }
}
