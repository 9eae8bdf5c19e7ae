package io.switchboard.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.engine.Limits;
import io.switchboard.engine.Server;
import io.switchboard.services.LineService;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every model honours {@code EngineOptions.reusePort()}: the contract {@code serve --processes}
 * relies on to put several worker processes on one port. Two servers in one JVM stand in for two
 * processes; the kernel treats them the same.
 */
class ReusePortConformanceTest {
  private final List<AutoCloseable> resources = new ArrayList<>();

  @AfterEach
  void release() throws Exception {
    for (AutoCloseable resource : resources.reversed()) {
      resource.close();
    }
  }

  private Server start(ModelVariant model, boolean reusePort, int port) throws Exception {
    Server server =
        model
            .provider()
            .create(model.options().withReusePort(reusePort))
            .start(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), port),
                LineService.ECHO.application(),
                Limits.DEFAULT);
    resources.add(server);
    return server;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.switchboard.testkit.ModelVariant#defaults")
  void twoServersShareOnePortAndBothGetConnections(ModelVariant model) throws Exception {
    Server first = start(model, true, 0);
    Server second = start(model, true, first.localAddress().getPort());
    assertThat(second.localAddress()).isEqualTo(first.localAddress());

    // The kernel hashes each new connection's addresses to one of the listeners; clients stay
    // open (an iterative server counts the one it serves) until both servers hold one.
    Await.until(
        "both servers hold a connection",
        () -> {
          LineClient client = LineClient.connect(first.localAddress());
          resources.add(client);
          return first.connectionCount() > 0 && second.connectionCount() > 0;
        });
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.switchboard.testkit.ModelVariant#defaults")
  void withoutReusePortTheSecondBindFails(ModelVariant model) throws Exception {
    Server first = start(model, false, 0);
    assertThatThrownBy(() -> start(model, false, first.localAddress().getPort()))
        .isInstanceOf(BindException.class);
  }
}
