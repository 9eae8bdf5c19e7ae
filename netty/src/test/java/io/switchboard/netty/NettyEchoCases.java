package io.switchboard.netty;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.switchboard.engine.Application;
import io.switchboard.engine.AttributeKey;
import io.switchboard.engine.Connection;
import io.switchboard.engine.EngineOptions;
import io.switchboard.engine.Engines;
import io.switchboard.engine.Handler;
import io.switchboard.engine.Limits;
import io.switchboard.engine.OutboundOverflowException;
import io.switchboard.engine.Server;
import io.switchboard.engine.codec.LineDecoder;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The netty model over real sockets on loopback, once per transport ({@link NettyEngineTest}),
 * with an inline echo application: every line comes back; "FILE" sends the test file; "FLOOD n"
 * queues n KiB without looking at writability. The echo pauses reading while the connection is
 * unwritable, as the line services do. (The same cases as the aio model's test, until the shared
 * conformance suite covers every model.)
 */
@Timeout(30)
abstract class NettyEchoCases {
  private static final InetSocketAddress ANY = new InetSocketAddress("127.0.0.1", 0);

  /** The transport under test; the test is skipped where it is not available. */
  abstract String transport();

  @BeforeEach
  void requireTransport() {
    assumeTrue(
        NettyTransport.available().stream().anyMatch(t -> t.optionName().equals(transport())),
        transport() + " is not available here");
  }

  @TempDir Path dir;
  private Server server;
  private Path file;
  private final ConcurrentHashMap<Long, Throwable> closedCauses = new ConcurrentHashMap<>();
  private static final Throwable ORDERLY = new Throwable("orderly");
  private static final AttributeKey<FileChannel> OPEN_FILE = AttributeKey.named("file");
  private final AtomicBoolean sawUnwritable = new AtomicBoolean();
  private final AtomicBoolean floodQueued = new AtomicBoolean();

  @AfterEach
  void stop() {
    if (server != null) {
      server.shutdown();
    }
  }

  private Server start(Limits limits) throws IOException {
    Handler<String> echo = new Handler<>() {
      @Override
      public void received(Connection connection, String line) {
        if (line.equals("FILE")) {
          try {
            FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
            connection.attribute(OPEN_FILE, channel); // the connection does not close it
            connection.sendFile(channel, 0, channel.size());
          } catch (IOException e) {
            connection.abort();
          }
        } else if (line.startsWith("FLOOD ")) {
          byte[] kib = new byte[1024];
          for (int i = Integer.parseInt(line.substring(6)); i > 0 && connection.isOpen(); i--) {
            connection.send(kib.clone());
          }
          floodQueued.set(true);
        } else {
          connection.send(line + "\n");
          if (!connection.isWritable()) {
            connection.pauseReading();
          }
        }
      }

      @Override
      public void writabilityChanged(Connection connection) {
        if (connection.isWritable()) {
          connection.resumeReading();
        } else {
          sawUnwritable.set(true);
          connection.pauseReading();
        }
      }

      @Override
      public void closed(Connection connection, Throwable cause) {
        closedCauses.put(connection.id(), cause == null ? ORDERLY : cause);
        FileChannel channel = connection.attribute(OPEN_FILE);
        if (channel != null) {
          try {
            channel.close();
          } catch (IOException e) {
            // nothing to do in a test
          }
        }
      }
    };
    Application<String> app = new Application<>("echo", LineDecoder::new, echo);
    server = Engines.named("netty").create(EngineOptions.DEFAULT.with("transport", transport()))
        .start(ANY, app, limits);
    return server;
  }

  private Socket connect() throws IOException {
    Socket socket = new Socket(server.localAddress().getAddress(), server.localAddress().getPort());
    socket.setSoTimeout(10_000);
    return socket;
  }

  private static BufferedReader lines(Socket socket) throws IOException {
    return new BufferedReader(new InputStreamReader(socket.getInputStream(), UTF_8));
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime() < end).as("timed out waiting until " + what).isTrue();
      Thread.sleep(5); // polling with a deadline, not synchronising by sleeping
    }
  }

  @Test
  void echoesEveryLineOfOneWriteAndJoinsSplitLines() throws Exception {
    start(Limits.DEFAULT);
    try (Socket socket = connect()) {
      OutputStream out = socket.getOutputStream();
      BufferedReader in = lines(socket);
      out.write("one\ntwo\r\nthr".getBytes(UTF_8));
      out.flush();
      assertThat(in.readLine()).isEqualTo("one");
      assertThat(in.readLine()).isEqualTo("two");
      out.write("ee \u00e9\u20ac\n".getBytes(UTF_8));
      out.flush();
      assertThat(in.readLine()).isEqualTo("three \u00e9\u20ac");
    }
  }

  @Test
  void servesManyClientsAtOnce() throws Exception {
    start(Limits.DEFAULT);
    int clients = 50;
    CompletableFuture<?>[] done = new CompletableFuture<?>[clients];
    for (int c = 0; c < clients; c++) {
      int client = c;
      done[c] = CompletableFuture.runAsync(() -> {
        try (Socket socket = connect()) {
          StringBuilder all = new StringBuilder();
          for (int i = 0; i < 200; i++) {
            all.append(client).append('-').append(i).append('\n');
          }
          socket.getOutputStream().write(all.toString().getBytes(UTF_8));
          BufferedReader in = lines(socket);
          for (int i = 0; i < 200; i++) {
            assertThat(in.readLine()).isEqualTo(client + "-" + i);
          }
        } catch (IOException e) {
          throw new RuntimeException(e);
        }
      }, java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
    }
    CompletableFuture.allOf(done).get(20, TimeUnit.SECONDS);
    await(() -> server.connectionCount() == 0, "all connections are closed");
  }

  @Test
  void pausesAClientThatDoesNotReadAndCatchesUpWhenItDoes() throws Exception {
    start(Limits.DEFAULT.withWaterMarks(8 * 1024, 16 * 1024).withMaxQueuedBytes(64 * 1024));
    try (Socket socket = new Socket()) {
      socket.setReceiveBufferSize(16 * 1024); // so the kernel cannot hide the backlog from us
      socket.connect(server.localAddress());
      byte[] line = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde\n"
          .getBytes(UTF_8);
      int count = 128 * 1024; // 8 MiB each way: past the server's largest send buffer (4 MiB)
      CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
        try {
          OutputStream out = socket.getOutputStream();
          for (int i = 0; i < count; i++) {
            out.write(line);
          }
          socket.shutdownOutput();
        } catch (IOException e) {
          throw new RuntimeException(e);
        }
      });
      // Not reading yet: the queue passes the high mark and the echo pauses instead of
      // overflowing the 64 KiB cap.
      await(sawUnwritable::get, "the connection turned unwritable");
      InputStream in = socket.getInputStream();
      byte[] buffer = new byte[64 * 1024];
      long received = 0;
      for (int n; (n = in.read(buffer)) > 0; ) {
        received += n;
      }
      writer.get(10, TimeUnit.SECONDS);
      assertThat(received).as("echoed bytes; closed: %s", closedCauses)
          .isEqualTo((long) count * line.length);
    }
    await(() -> closedCauses.containsValue(ORDERLY), "the connection closed in order");
  }

  @Test
  void sendsAFileRange() throws Exception {
    byte[] content = new byte[300 * 1024 + 7];
    new Random(42).nextBytes(content);
    file = Files.write(dir.resolve("payload.bin"), content);
    start(Limits.DEFAULT.withWaterMarks(32 * 1024, 64 * 1024).withMaxQueuedBytes(1 << 20));
    try (Socket socket = connect()) {
      socket.getOutputStream().write("FILE\n".getBytes(UTF_8));
      socket.shutdownOutput(); // end of input: the server closes once the file is out
      assertThat(socket.getInputStream().readAllBytes()).isEqualTo(content);
    }
  }

  @Test
  void answersTheLastLineAfterTheClientHalfCloses() throws Exception {
    start(Limits.DEFAULT);
    try (Socket socket = connect()) {
      socket.getOutputStream().write("first\nlast".getBytes(UTF_8));
      socket.shutdownOutput();
      assertThat(new String(socket.getInputStream().readAllBytes(), UTF_8))
          .isEqualTo("first\nlast\n");
    }
  }

  @Test
  void refusesAClientBeyondMaxConnections() throws Exception {
    start(Limits.DEFAULT.withMaxConnections(1));
    try (Socket first = connect()) {
      // Admitted before the second connects: accepted clients may be set up in any order.
      await(() -> server.connectionCount() == 1, "the first client is admitted");
      Socket second = connect();
      assertThat(new String(second.getInputStream().readAllBytes(), UTF_8))
          .startsWith("ERROR server full");
      first.getOutputStream().write("still here\n".getBytes(UTF_8));
      assertThat(lines(first).readLine()).isEqualTo("still here");
      second.close();
    }
  }

  @Test
  void abortsAConnectionThatOverflowsItsQueue() throws Exception {
    start(Limits.DEFAULT.withWaterMarks(16 * 1024, 32 * 1024).withMaxQueuedBytes(256 * 1024));
    try (Socket socket = connect()) {
      socket.getOutputStream().write("FLOOD 100000\n".getBytes(UTF_8));
      await(() -> !closedCauses.isEmpty(), "the connection is closed");
      assertThat(closedCauses.values()).singleElement()
          .isInstanceOf(OutboundOverflowException.class);
      ByteArrayOutputStream drained = new ByteArrayOutputStream();
      try {
        socket.getInputStream().transferTo(drained);
      } catch (IOException reset) {
        // an abort may reset the connection: either way it ends
      }
      assertThat((long) drained.size()).isLessThan(100_000L * 1024);
    }
  }

  @Test
  void closesIdleConnections() throws Exception {
    start(Limits.DEFAULT.withIdleTimeout(Duration.ofMillis(200)));
    try (Socket socket = connect()) {
      assertThat(socket.getInputStream().read()).isEqualTo(-1);
    }
    await(() -> !closedCauses.isEmpty(), "the handler heard of the close");
    assertThat(closedCauses.values()).singleElement()
        .isInstanceOf(io.switchboard.engine.IdleTimeoutException.class);
  }

  @Test
  void shutdownFlushesQueuedOutputThenReleasesEverything() throws Exception {
    start(Limits.DEFAULT.withMaxQueuedBytes(16 << 20));
    try (Socket socket = connect()) {
      InputStream in = socket.getInputStream();
      // 12 MiB: more than the socket buffers on the way hold, so some is still queued.
      socket.getOutputStream().write("FLOOD 12288\n".getBytes(UTF_8));
      assertThat(in.read()).isZero();
      await(floodQueued::get, "the flood is queued");
      CompletableFuture<Integer> rest = CompletableFuture.supplyAsync(() -> {
        try {
          return in.readAllBytes().length; // shutdown blocks until this has read the rest
        } catch (IOException e) {
          throw new RuntimeException(e);
        }
      });
      server.shutdown();
      assertThat(rest.get(10, TimeUnit.SECONDS)).isEqualTo(12288 * 1024 - 1);
      assertThat(server.connectionCount()).isZero();
    }
  }
}
