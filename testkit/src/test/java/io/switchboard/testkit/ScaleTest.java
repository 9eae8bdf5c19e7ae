package io.switchboard.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.engine.Limits;
import io.switchboard.engine.Server;
import io.switchboard.services.LineService;
import java.time.Duration;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Thousands of concurrent connections on the models built for them. 5,000 clients and 5,000 server
 * sockets live in this one process: 10,000 descriptors, well inside the 20,000 allowed. The
 * thread-per-connection models are left out on purpose: 10,000 platform threads is the lesson the
 * benchmark shows, not something a test suite should do to its machine.
 */
class ScaleTest {
  private static final Set<String> SCALABLE =
      Set.of("virtual", "select", "reactor", "aio", "netty");
  private static final int CONNECTIONS = 5_000;

  static Stream<ModelVariant> scalable() {
    return ModelVariant.defaults().filter(m -> SCALABLE.contains(m.model()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("scalable")
  void fiveThousandConcurrentConnectionsEachGetTheirEcho(ModelVariant model) throws Exception {
    try (Server server = model.start(LineService.ECHO.application(), Limits.DEFAULT);
        ManyConnections clients = ManyConnections.open(server.localAddress(), CONNECTIONS)) {
      Await.until(
          "the server holds every connection", () -> server.connectionCount() == CONNECTIONS);
      assertThat(clients.echoEach("client ", Duration.ofSeconds(60))).isEqualTo(CONNECTIONS);
      assertThat(server.connectionCount()).isEqualTo(CONNECTIONS);
    }
  }
}
