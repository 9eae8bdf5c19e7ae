package io.switchboard.engine.nio;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.engine.Application;
import io.switchboard.engine.Connection;
import io.switchboard.engine.FrameException;
import io.switchboard.engine.Handler;
import io.switchboard.engine.Limits;
import io.switchboard.engine.Server;
import io.switchboard.engine.codec.LineDecoder;
import io.switchboard.engine.spi.EngineOptions;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What only the event-driven models do. Everything the contract says is checked for every model by
 * the conformance suites in {@code testkit}; here: the reactor deals connections to its loops in
 * turn, and the select model's option picks the selector.
 */
class NioEnginesTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(20);

  private final List<AutoCloseable> resources = new ArrayList<>();

  @AfterEach
  void release() throws Exception {
    for (AutoCloseable resource : resources.reversed()) {
      resource.close();
    }
  }

  @Test
  void reactorSpreadsConnectionsOverItsLoopsInTurn() throws Exception {
    CopyOnWriteArrayList<String> loops = new CopyOnWriteArrayList<>();
    Handler<String> handler =
        new Handler<>() {
          @Override
          public void opened(Connection connection) {
            loops.add(Thread.currentThread().getName());
          }

          @Override
          public void received(Connection connection, String frame) {}

          @Override
          public void malformed(Connection connection, FrameException error) {
            connection.abort();
          }
        };
    Server server =
        new ReactorEngine.Provider()
            .create(EngineOptions.DEFAULT.withThreads(3))
            .start(
                new InetSocketAddress("127.0.0.1", 0),
                new Application<>("loops", LineDecoder::new, handler, ByteBuffer.allocate(0)),
                Limits.DEFAULT);
    resources.add(server);
    for (int i = 0; i < 6; i++) {
      int opened = i + 1;
      Socket socket = new Socket();
      resources.add(socket);
      socket.connect(server.localAddress(), (int) TIMEOUT.toMillis());
      await(() -> loops.size() == opened); // one at a time, so accept order is known
    }
    assertThat(loops)
        .containsExactly(
            "reactor-loop-1",
            "reactor-loop-2",
            "reactor-loop-3",
            "reactor-loop-1",
            "reactor-loop-2",
            "reactor-loop-3");
  }

  @Test
  void selectorOptionChoosesTheSelector() throws IOException {
    try (var epoll = SelectorChoice.named("epoll").open();
        var poll = SelectorChoice.named("poll").open()) {
      assertThat(SelectorChoice.kind(poll)).isEqualTo("poll");
      assertThat(SelectorChoice.kind(epoll)).isNotEqualTo("poll");
    }
  }

  /** The engine module cannot use testkit's Await (testkit depends on it): the same, inline. */
  private static void await(BooleanSupplier condition) {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("condition not met within " + TIMEOUT);
      }
      LockSupport.parkNanos(1_000_000);
    }
  }
}
