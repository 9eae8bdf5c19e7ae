package io.switchboard.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.engine.Application;
import io.switchboard.engine.Connection;
import io.switchboard.engine.FrameException;
import io.switchboard.engine.Handler;
import io.switchboard.engine.Limits;
import io.switchboard.engine.Server;
import io.switchboard.engine.codec.LineDecoder;
import io.switchboard.engine.spi.AbstractServer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Graceful shutdown keeps its deadline on every model, even when the handlers are slow to let go:
 * connections get {@link Limits#shutdownDeadline()} to drain, the model's threads {@link
 * AbstractServer#THREAD_GRACE} more, and then {@link Server#shutdown()} returns, however much
 * handler work is still queued (a storm of closes on an event loop, a handler that blocks).
 */
class ShutdownConformanceTest {
  private static final int CLIENTS = 40;
  private static final Duration SLOW_CLOSE = Duration.ofMillis(100);

  /** Echoes lines; takes {@link #SLOW_CLOSE} to handle each close, as a busy app might. */
  private static final class SlowToClose implements Handler<String> {
    @Override
    public void received(Connection connection, String line) {
      connection.send(line + "\n");
    }

    @Override
    public void malformed(Connection connection, FrameException error) {
      connection.abort();
    }

    @Override
    public void closed(Connection connection, Throwable cause) {
      LockSupport.parkNanos(SLOW_CLOSE.toNanos()); // the work a slow app does, not a wait
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.switchboard.testkit.ModelVariant#all")
  void shutdownReturnsWithinItsDeadlineWhateverTheHandlersStillHaveToDo(ModelVariant model) {
    Duration deadline = Duration.ofMillis(300);
    Application<String> app =
        new Application<>(
            "slow-to-close",
            limits -> new LineDecoder(limits),
            new SlowToClose(),
            ByteBuffer.wrap("full\n".getBytes(StandardCharsets.US_ASCII)));
    int clients = model.concurrent() ? CLIENTS : 1;
    Server server = model.start(app, Limits.DEFAULT.withShutdownDeadline(deadline), clients);
    List<LineClient> connected = new ArrayList<>();
    try {
      for (int i = 0; i < clients; i++) {
        LineClient client = LineClient.connect(server.localAddress());
        connected.add(client);
        assertThat(client.send("hello " + i).readLine()).isEqualTo("hello " + i);
      }
      // On a model with one loop the closes alone are CLIENTS x SLOW_CLOSE = 4 s of work.
      long started = System.nanoTime();
      server.shutdown();
      Duration took = Duration.ofNanos(System.nanoTime() - started);
      assertThat(took)
          .as("shutdown with a %d ms deadline", deadline.toMillis())
          .isLessThan(deadline.plus(AbstractServer.THREAD_GRACE).plusMillis(700));
      for (LineClient client : connected) {
        assertThat(client.closedByServer(Await.DEFAULT)).isTrue();
      }
    } finally {
      connected.forEach(LineClient::close);
      server.shutdown();
    }
  }
}
