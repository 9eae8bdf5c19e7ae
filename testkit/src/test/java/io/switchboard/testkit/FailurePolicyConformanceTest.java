package io.switchboard.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.engine.Connection;
import io.switchboard.engine.FrameException;
import io.switchboard.engine.Limits;
import io.switchboard.engine.Server;
import io.switchboard.engine.codec.LineDecoder;
import io.switchboard.engine.spi.AbstractConnection;
import io.switchboard.services.LineServiceHandler;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One failure policy on every model: a handler that throws, in any of its callbacks, costs its own
 * connection only. The failure is logged once with the connection and the cause, that connection is
 * aborted (its slot freed), {@code closed} is called with the cause, and a bystander connected
 * before, as well as a client connecting after, are served as if nothing happened.
 */
class FailurePolicyConformanceTest {
  private final List<AutoCloseable> resources = new ArrayList<>();
  private final List<LogRecord> logged = new CopyOnWriteArrayList<>();
  private final Logger engineLog = Logger.getLogger(AbstractConnection.class.getName());
  private final Handler capture =
      new Handler() {
        @Override
        public void publish(LogRecord record) {
          logged.add(record);
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };

  @BeforeEach
  void captureTheEngineLog() {
    engineLog.addHandler(capture);
  }

  @AfterEach
  void release() throws Exception {
    engineLog.removeHandler(capture);
    for (AutoCloseable resource : resources.reversed()) {
      resource.close();
    }
  }

  /** The callback that throws. */
  enum Callback {
    OPENED,
    RECEIVED,
    WRITABILITY_CHANGED,
    MALFORMED,
    CLOSED;

    @Override
    public String toString() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** The app's failure, told apart from any other exception by its type. */
  static final class Boom extends RuntimeException {
    Boom(Callback where) {
      super("planted failure in " + where);
    }
  }

  /**
   * A line echo whose victim connection throws in one callback. The victim is the connection opened
   * while {@link #armed} is set; the test arms it just before connecting the victim.
   */
  static final class Thrower extends LineServiceHandler<String> {
    final Callback failing;
    volatile boolean armed;
    final List<Connection> victims = new CopyOnWriteArrayList<>();

    Thrower(Callback failing) {
      super(LineDecoder.UTF_8);
      this.failing = failing;
    }

    private boolean isVictim(Connection connection) {
      return victims.contains(connection);
    }

    @Override
    public void opened(Connection connection) {
      if (armed) {
        armed = false;
        victims.add(connection);
        if (failing == Callback.OPENED) {
          throw new Boom(failing);
        }
      }
    }

    @Override
    public void received(Connection connection, String line) {
      if (isVictim(connection)) {
        switch (failing) {
          case RECEIVED -> throw new Boom(failing);
          case WRITABILITY_CHANGED -> {
            // Past the high-water mark in one send: the engine raises writabilityChanged next.
            connection.send(ByteBuffer.allocate(128 * 1024));
            return;
          }
          default -> {}
        }
      }
      reply(connection, line);
    }

    @Override
    public void malformed(Connection connection, FrameException error) {
      if (failing == Callback.MALFORMED && isVictim(connection)) {
        throw new Boom(failing);
      }
      super.malformed(connection, error);
    }

    @Override
    public void closed(Connection connection, Throwable cause) {
      if (failing == Callback.CLOSED && isVictim(connection)) {
        throw new Boom(failing);
      }
    }
  }

  /** {@link Thrower}'s writabilityChanged is its base class's (final): this one throws. */
  static final class ThrowingWritability implements io.switchboard.engine.Handler<String> {
    private final Thrower delegate;

    ThrowingWritability(Thrower delegate) {
      this.delegate = delegate;
    }

    @Override
    public void opened(Connection connection) {
      delegate.opened(connection);
    }

    @Override
    public void received(Connection connection, String line) {
      delegate.received(connection, line);
    }

    @Override
    public void writabilityChanged(Connection connection) {
      if (delegate.isVictim(connection)) {
        throw new Boom(Callback.WRITABILITY_CHANGED);
      }
      delegate.writabilityChanged(connection);
    }

    @Override
    public void malformed(Connection connection, FrameException error) {
      delegate.malformed(connection, error);
    }

    @Override
    public void closed(Connection connection, Throwable cause) {
      delegate.closed(connection, cause);
    }
  }

  static Stream<Arguments> cases() {
    return ModelVariant.all()
        .filter(ModelVariant::concurrent) // a bystander must be connected at the same time
        .flatMap(model -> Stream.of(Callback.values()).map(c -> Arguments.of(model, c)));
  }

  @ParameterizedTest(name = "{0}, throwing in {1}")
  @MethodSource("cases")
  void aThrowingHandlerCostsOnlyItsOwnConnection(ModelVariant model, Callback callback) {
    Thrower thrower = new Thrower(callback);
    io.switchboard.engine.Handler<String> handler =
        callback == Callback.WRITABILITY_CHANGED ? new ThrowingWritability(thrower) : thrower;
    @SuppressWarnings({"unchecked", "rawtypes"})
    ProbeHandler<String>[] holder = new ProbeHandler[1];
    Server server =
        model.start(
            ProbeHandler.wrap(
                new io.switchboard.engine.Application<>(
                    "thrower",
                    limits -> new io.switchboard.engine.codec.LineDecoder(100),
                    handler,
                    ByteBuffer.allocate(0)),
                holder),
            Limits.DEFAULT.withShutdownDeadline(Duration.ofSeconds(2)),
            3);
    resources.add(server);
    ProbeHandler<String> probe = holder[0];

    LineClient bystander = connect(server);
    bystander.send("before");
    assertThat(bystander.readLine()).isEqualTo("before");

    thrower.armed = true;
    LineClient victim = connect(server, 4096);
    Await.until("the victim is opened", () -> thrower.victims.size() == 1);
    switch (callback) {
      case OPENED -> {}
      case RECEIVED, WRITABILITY_CHANGED -> victim.send("go");
      case MALFORMED -> victim.send("x".repeat(200));
      case CLOSED -> victim.reset();
    }
    if (callback != Callback.CLOSED) {
      assertThat(victim.closedByServer(Await.DEFAULT)).as("the victim is closed").isTrue();
    }
    Await.until("the victim's slot is free", () -> server.connectionCount() == 1);
    long victimId = thrower.victims.getFirst().id();
    ProbeHandler.Record record = probe.records().get(victimId);
    Await.until("closed is called for the victim", () -> record.closedCalls.get() == 1);
    if (callback != Callback.CLOSED) {
      assertThat(record.closeCause).isInstanceOf(Boom.class);
    }
    Await.until(
        "the failure is logged",
        () -> logged.stream().anyMatch(r -> r.getThrown() instanceof Boom));
    assertThat(logged.stream().filter(r -> r.getThrown() instanceof Boom))
        .as("logged once")
        .singleElement()
        .satisfies(r -> assertThat(r.getMessage()).contains("connection " + victimId));

    bystander.send("after");
    assertThat(bystander.readLine()).isEqualTo("after");
    LineClient newcomer = connect(server);
    newcomer.send("hello");
    assertThat(newcomer.readLine()).isEqualTo("hello");
    assertThat(server.connectionCount()).isEqualTo(2);
    assertThat(probe.records().values()).noneMatch(r -> r.overlapped || r.outOfOrder);
  }

  private LineClient connect(Server server) {
    return connect(server, 0);
  }

  private LineClient connect(Server server, int receiveBufferSize) {
    LineClient client = LineClient.connect(server.localAddress(), receiveBufferSize);
    resources.add(client);
    return client;
  }
}
