package io.switchboard.engine.nio;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.engine.Application;
import io.switchboard.engine.Connection;
import io.switchboard.engine.Engine;
import io.switchboard.engine.EngineOptions;
import io.switchboard.engine.EngineProvider;
import io.switchboard.engine.Handler;
import io.switchboard.engine.IdleTimeoutException;
import io.switchboard.engine.Limits;
import io.switchboard.engine.Server;
import io.switchboard.engine.codec.LineDecoder;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The event-driven models over real loopback sockets, each case run on poll, select (epoll and
 * poll selectors) and reactor. Focused on what this package adds: readiness handling, partial
 * writes, pause and resume, wakeups from other threads, and callbacks never nested.
 */
class NioEnginesTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final InetSocketAddress ANY_PORT = new InetSocketAddress("127.0.0.1", 0);

  private final List<AutoCloseable> resources = new ArrayList<>();

  static Stream<Arguments> engines() {
    return Stream.of(
        Arguments.of("poll", new PollEngine.Provider(), EngineOptions.DEFAULT),
        Arguments.of("select epoll", new SelectEngine.Provider(),
            EngineOptions.DEFAULT.with("selector", "epoll")),
        Arguments.of("select poll", new SelectEngine.Provider(),
            EngineOptions.DEFAULT.with("selector", "poll")),
        Arguments.of("reactor", new ReactorEngine.Provider(),
            EngineOptions.DEFAULT.withThreads(2)));
  }

  @AfterEach
  void release() throws Exception {
    for (int i = resources.size() - 1; i >= 0; i--) {
      resources.get(i).close();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("engines")
  void echoesEveryLineOfSplitAndPackedSegments(String name, EngineProvider provider,
      EngineOptions options) throws Exception {
    Server server = start(provider, options, echo(), Limits.DEFAULT);
    try (Socket client = connect(server)) {
      OutputStream out = client.getOutputStream();
      BufferedReader in = reader(client);
      out.write("hel".getBytes(StandardCharsets.UTF_8));
      out.flush();
      out.write("lo\nsecond\r\nthird\n".getBytes(StandardCharsets.UTF_8));
      out.flush();
      assertThat(in.readLine()).isEqualTo("hello");
      assertThat(in.readLine()).isEqualTo("second");
      assertThat(in.readLine()).isEqualTo("third");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("engines")
  void servesManyClientsAtOnce(String name, EngineProvider provider, EngineOptions options)
      throws Exception {
    Server server = start(provider, options, echo(), Limits.DEFAULT);
    ExecutorService clients = Executors.newFixedThreadPool(16);
    resources.add(clients::shutdownNow);
    List<Future<Integer>> results = new ArrayList<>();
    for (int c = 0; c < 64; c++) {
      int clientId = c;
      results.add(clients.submit(() -> {
        try (Socket client = connect(server)) {
          StringBuilder burst = new StringBuilder();
          for (int i = 0; i < 50; i++) {
            burst.append("client ").append(clientId).append(" line ").append(i).append('\n');
          }
          client.getOutputStream().write(burst.toString().getBytes(StandardCharsets.UTF_8));
          BufferedReader in = reader(client);
          int matched = 0;
          for (int i = 0; i < 50; i++) {
            if (("client " + clientId + " line " + i).equals(in.readLine())) {
              matched++;
            }
          }
          return matched;
        }
      }));
    }
    for (Future<Integer> result : results) {
      assertThat(result.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(50);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("engines")
  void sendFromAnotherThreadWakesTheLoop(String name, EngineProvider provider,
      EngineOptions options) throws Exception {
    AtomicReference<Connection> opened = new AtomicReference<>();
    Handler<String> handler = new Handler<>() {
      @Override
      public void opened(Connection connection) {
        opened.set(connection);
      }

      @Override
      public void received(Connection connection, String frame) {}
    };
    Server server = start(provider, options, app(handler), Limits.DEFAULT);
    try (Socket client = connect(server)) {
      await(() -> opened.get() != null);
      BufferedReader in = reader(client);
      for (int i = 0; i < 3; i++) {
        assertThat(opened.get().send("pushed " + i + "\n")).isTrue();
        assertThat(in.readLine()).isEqualTo("pushed " + i);
      }
    }
  }

  /**
   * A client that writes far more than it reads: the echo handler pauses reading while its
   * output is above the high-water mark, so the server buffers no more than the cap, and every
   * byte still comes back in order once the client reads.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("engines")
  void pausedReadingPushesBackOnAClientThatDoesNotRead(String name, EngineProvider provider,
      EngineOptions options) throws Exception {
    AtomicReference<Connection> served = new AtomicReference<>();
    AtomicBoolean paused = new AtomicBoolean();
    Handler<String> handler = new Handler<>() {
      @Override
      public void opened(Connection connection) {
        served.set(connection);
      }

      @Override
      public void received(Connection connection, String frame) {
        connection.send(frame + "\n");
        if (!connection.isWritable()) {
          connection.pauseReading();
          paused.set(true);
        }
      }

      @Override
      public void writabilityChanged(Connection connection) {
        if (connection.isWritable()) {
          connection.resumeReading();
        }
      }
    };
    Limits limits = Limits.DEFAULT.withWaterMarks(16 * 1024, 64 * 1024);
    Server server = start(provider, options, app(handler), limits);
    int lines = 200_000; // ~ 4.6 MB each way: far beyond both socket buffers and the queue cap
    try (Socket client = connect(server)) {
      CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
        try {
          OutputStream out = client.getOutputStream();
          StringBuilder text = new StringBuilder();
          for (int i = 0; i < lines; i++) {
            text.append("line ").append(i).append(" of the flood\n");
            if (text.length() > 16 * 1024 || i == lines - 1) {
              out.write(text.toString().getBytes(StandardCharsets.UTF_8));
              text.setLength(0);
            }
          }
          out.flush();
        } catch (IOException e) {
          throw new RuntimeException(e);
        }
      });
      await(paused::get);
      assertThat(served.get().queuedBytes()).isLessThanOrEqualTo(limits.maxQueuedBytes());
      BufferedReader in = reader(client);
      for (int i = 0; i < lines; i++) {
        assertThat(in.readLine()).isEqualTo("line " + i + " of the flood");
      }
      writer.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      assertThat(served.get().isOpen()).isTrue();
    }
  }

  /** Callbacks raised inside a callback (here writabilityChanged from a send) run after it. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("engines")
  void callbacksRaisedInsideACallbackAreNotNested(String name, EngineProvider provider,
      EngineOptions options) throws Exception {
    AtomicBoolean inReceived = new AtomicBoolean();
    AtomicInteger nested = new AtomicInteger();
    AtomicInteger writabilityChanges = new AtomicInteger();
    Handler<String> handler = new Handler<>() {
      @Override
      public void received(Connection connection, String frame) {
        inReceived.set(true);
        connection.send(ByteBuffer.allocate(128 * 1024)); // past the high-water mark
        connection.close();
        inReceived.set(false);
      }

      @Override
      public void writabilityChanged(Connection connection) {
        writabilityChanges.incrementAndGet();
        if (inReceived.get()) {
          nested.incrementAndGet();
        }
      }
    };
    Server server = start(provider, options, app(handler), Limits.DEFAULT);
    try (Socket client = connect(server)) {
      client.getOutputStream().write("go\n".getBytes(StandardCharsets.UTF_8));
      InputStream in = client.getInputStream();
      long total = 0;
      byte[] buffer = new byte[64 * 1024];
      for (int n; (n = in.read(buffer)) >= 0; ) {
        total += n;
      }
      assertThat(total).isEqualTo(128 * 1024);
    }
    await(() -> writabilityChanges.get() >= 1);
    assertThat(nested.get()).isZero();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("engines")
  void closesIdleConnections(String name, EngineProvider provider, EngineOptions options)
      throws Exception {
    CopyOnWriteArrayList<Throwable> causes = new CopyOnWriteArrayList<>();
    Handler<String> handler = new Handler<>() {
      @Override
      public void received(Connection connection, String frame) {}

      @Override
      public void closed(Connection connection, Throwable cause) {
        causes.add(cause);
      }
    };
    Limits limits = Limits.DEFAULT.withIdleTimeout(Duration.ofMillis(200));
    Server server = start(provider, options, app(handler), limits);
    try (Socket client = connect(server)) {
      assertThat(client.getInputStream().read()).isEqualTo(-1); // the server closed it
    }
    await(() -> !causes.isEmpty());
    assertThat(causes).singleElement().isInstanceOf(IdleTimeoutException.class);
    await(() -> server.connectionCount() == 0);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("engines")
  void refusesClientsBeyondTheLimit(String name, EngineProvider provider, EngineOptions options)
      throws Exception {
    Server server = start(provider, options, echo(), Limits.DEFAULT.withMaxConnections(1));
    try (Socket first = connect(server); Socket second = connect(server)) {
      assertThat(reader(second).readLine()).startsWith("ERROR server full");
      first.getOutputStream().write("still served\n".getBytes(StandardCharsets.UTF_8));
      assertThat(reader(first).readLine()).isEqualTo("still served");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("engines")
  void tellsTheHandlerOnceWhenThePeerResets(String name, EngineProvider provider,
      EngineOptions options) throws Exception {
    AtomicInteger closed = new AtomicInteger();
    Handler<String> handler = new Handler<>() {
      @Override
      public void received(Connection connection, String frame) {
        connection.send(frame + "\n");
      }

      @Override
      public void closed(Connection connection, Throwable cause) {
        closed.incrementAndGet();
      }
    };
    Server server = start(provider, options, app(handler), Limits.DEFAULT);
    Socket client = connect(server);
    client.getOutputStream().write("ping\n".getBytes(StandardCharsets.UTF_8));
    assertThat(reader(client).readLine()).isEqualTo("ping");
    client.setSoLinger(true, 0); // close sends RST
    client.close();
    await(() -> server.connectionCount() == 0);
    assertThat(closed.get()).isEqualTo(1);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("engines")
  void shutdownDrainsQueuedOutputThenCloses(String name, EngineProvider provider,
      EngineOptions options) throws Exception {
    int size = 2 * 1024 * 1024;
    AtomicReference<Connection> opened = new AtomicReference<>();
    Handler<String> handler = new Handler<>() {
      @Override
      public void opened(Connection connection) {
        connection.send(ByteBuffer.allocate(size));
        opened.set(connection);
      }

      @Override
      public void received(Connection connection, String frame) {}
    };
    Server server = start(provider, options, app(handler), Limits.DEFAULT);
    try (Socket client = connect(server)) {
      await(() -> opened.get() != null);
      CompletableFuture<Void> shutdown = CompletableFuture.runAsync(server::shutdown);
      InputStream in = client.getInputStream();
      long total = 0;
      byte[] buffer = new byte[64 * 1024];
      for (int n; (n = in.read(buffer)) >= 0; ) {
        total += n;
      }
      assertThat(total).isEqualTo(size);
      shutdown.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      assertThat(server.connectionCount()).isZero();
    }
  }

  @Test
  void reactorSpreadsConnectionsOverItsLoopsInTurn() throws Exception {
    CopyOnWriteArrayList<String> loops = new CopyOnWriteArrayList<>();
    Handler<String> handler = new Handler<>() {
      @Override
      public void opened(Connection connection) {
        loops.add(Thread.currentThread().getName());
      }

      @Override
      public void received(Connection connection, String frame) {}
    };
    Server server = start(new ReactorEngine.Provider(), EngineOptions.DEFAULT.withThreads(3),
        app(handler), Limits.DEFAULT);
    for (int i = 0; i < 6; i++) {
      int opened = i + 1;
      resources.add(connect(server));
      await(() -> loops.size() == opened); // one at a time, so accept order is known
    }
    assertThat(loops).containsExactly("reactor-loop-1", "reactor-loop-2", "reactor-loop-3",
        "reactor-loop-1", "reactor-loop-2", "reactor-loop-3");
  }

  @Test
  void selectorOptionChoosesTheSelector() throws IOException {
    try (var epoll = SelectorChoice.named("epoll").open();
        var poll = SelectorChoice.named("poll").open()) {
      assertThat(SelectorChoice.kind(poll)).isEqualTo("poll");
      assertThat(SelectorChoice.kind(epoll)).isNotEqualTo("poll");
    }
  }

  // ---- helpers -------------------------------------------------------------------------------

  private Server start(EngineProvider provider, EngineOptions options, Application<String> app,
      Limits limits) throws IOException {
    Engine engine = provider.create(options);
    Server server = engine.start(ANY_PORT, app, limits);
    resources.add(server);
    return server;
  }

  private static Application<String> echo() {
    return app(new Handler<>() {
      @Override
      public void received(Connection connection, String frame) {
        connection.send(frame + "\n");
      }
    });
  }

  private static Application<String> app(Handler<String> handler) {
    return new Application<>("test", LineDecoder::new, handler);
  }

  private static Socket connect(Server server) throws IOException {
    Socket socket = new Socket();
    socket.connect(server.localAddress(), (int) TIMEOUT.toMillis());
    socket.setSoTimeout((int) TIMEOUT.toMillis());
    return socket;
  }

  private static BufferedReader reader(Socket socket) throws IOException {
    return new BufferedReader(
        new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
  }

  private static void await(BooleanSupplier condition) {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("condition not met within " + TIMEOUT);
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
    }
  }
}
