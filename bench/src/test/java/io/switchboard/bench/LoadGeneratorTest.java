package io.switchboard.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.switchboard.chat.ChatSettings;
import io.switchboard.chat.line.ChatServer;
import io.switchboard.services.LineService;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.HdrHistogram.Histogram;
import org.assertj.core.data.Percentage;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The load generator against a real echo server on loopback, in this JVM. */
class LoadGeneratorTest {

  @BeforeAll
  static void linuxOnly() {
    assumeTrue(ProcStats.available(), "the bench measures through /proc");
  }

  private static BenchOptions options(Scenario scenario, int connections) {
    return BenchOptions.of(BenchOptions.parseModels("virtual"), List.of(scenario))
        .withConnections(List.of(connections))
        .withTiming(Duration.ofSeconds(1), Duration.ZERO, 1)
        .withOut(Path.of("unused"));
  }

  private static Trial trial(
      BenchOptions options,
      Scenario scenario,
      Point point,
      ServerUnderTest server,
      LoadGenerator load) {
    return new Trial(options, scenario, point, options.models().get(0), server, load, phase -> {});
  }

  @Test
  void everyEchoedLineComesBackIntact() throws Exception {
    BenchOptions options = options(Scenario.ECHO, 5);
    try (InProcessServer server = new InProcessServer("virtual", LineService.ECHO.application());
        LoadGenerator load = new LoadGenerator(2)) {
      Trial trial = trial(options, Scenario.ECHO, new Point(5, 0), server, load);
      EchoClient.Shared shared = new EchoClient.Shared();

      List<EchoClient> clients = EchoClient.openAll(trial, 5, shared);
      assertThat(shared.tally.ready()).isEqualTo(5);
      clients.forEach(EchoClient::go);
      trial.pass("measuring", Duration.ofSeconds(1));
      clients.forEach(EchoClient::halt);

      assertThat(EchoScenario.awaitReplies(shared)).isTrue();
      Histogram latency = shared.latency.getIntervalHistogram();
      long sent = shared.sent.sum();
      assertThat(shared.received.sum()).isEqualTo(sent);
      assertThat(shared.corrupt.sum()).isZero();
      // Every round trip after the first (the readiness probe) of each client was timed.
      assertThat(latency.getTotalCount()).isEqualTo(sent - 5).isPositive();
      EchoScenario.closeAll(clients, shared.tally);
      assertThat(shared.tally.closed()).isEqualTo(5);
    }
  }

  @Test
  void echoScenarioReportsItsFigures() throws Exception {
    BenchOptions options = options(Scenario.ECHO, 3);
    try (InProcessServer server = new InProcessServer("virtual", LineService.ECHO.application());
        LoadGenerator load = new LoadGenerator(1)) {
      Measurement m =
          EchoScenario.run(trial(options, Scenario.ECHO, new Point(3, 0), server, load));

      assertThat(m.error()).isNull();
      assertThat(m.get(Metric.MSGS_PER_S)).isPositive();
      assertThat(m.get(Metric.P99_US)).isGreaterThanOrEqualTo(m.get(Metric.P50_US));
      assertThat(m.get(Metric.THREADS)).isPositive();
      assertThat(m.values()).containsKeys(Metric.SERVER_CPU_S, Metric.RSS_MIB, Metric.CLIENT_CPU_S);
    }
  }

  @Test
  void connectScenarioCyclesConnectionsAndLeavesNoneOpen() throws Exception {
    BenchOptions options = options(Scenario.CONNECT, 2);
    try (InProcessServer server = new InProcessServer("virtual", LineService.ECHO.application());
        LoadGenerator load = new LoadGenerator(1)) {
      Measurement m =
          ConnectScenario.run(trial(options, Scenario.CONNECT, new Point(2, 0), server, load));

      assertThat(m.error()).isNull();
      assertThat(m.get(Metric.CONNS_PER_S)).isPositive();
      assertThat(m.get(Metric.FAILURES)).isZero();
    }
  }

  @Test
  void idleScenarioHoldsItsConnections() throws Exception {
    BenchOptions options = options(Scenario.IDLE, 20);
    try (InProcessServer server = new InProcessServer("virtual", LineService.ECHO.application());
        LoadGenerator load = new LoadGenerator(2)) {
      Measurement m =
          IdleScenario.run(trial(options, Scenario.IDLE, new Point(20, 0), server, load));

      assertThat(m.error()).isNull();
      assertThat(m.get(Metric.CONNECTIONS_HELD)).isEqualTo(20);
      assertThat(m.values()).containsKeys(Metric.RSS_PER_CONN_KIB, Metric.THREADS_PER_CONN);
    }
  }

  @Test
  void fanoutDeliversEveryMessageToEveryReceiverOfTheRealChatHub() throws Exception {
    // 200 msgs/s from 2 senders: 100 lines/s each, twice the hub's default flood limit, so this
    // also checks that the limit the bench asks the server for is enough.
    BenchOptions options = options(Scenario.FANOUT, 5).withFanout(List.of(200), 2);
    Point point = new Point(5, 200);
    List<String> args = FanoutScenario.serverArgs(point, 2);
    assertThat(args).containsExactly("--chat-rate-limit", "200", "--chat-burst", "1000");
    ChatSettings chat = ChatSettings.DEFAULT.withRateLimit(200, 1_000);
    try (InProcessServer server = new InProcessServer("virtual", ChatServer.application(chat));
        LoadGenerator load = new LoadGenerator(2)) {
      Measurement m = FanoutScenario.run(trial(options, Scenario.FANOUT, point, server, load));

      assertThat(m.error()).isNull();
      assertThat(m.get(Metric.DELIVERY_RATIO)).isEqualTo(1.0);
      assertThat(m.get(Metric.SENT_PER_S)).isPositive();
      // Five receivers each get every message sent.
      assertThat(m.get(Metric.DELIVERIES_PER_S))
          .isCloseTo(5 * m.get(Metric.SENT_PER_S), Percentage.withPercentage(1e-6));
    }
  }

  @Test
  void aServerThatIsNotThereIsReportedNotHungOn() throws Exception {
    BenchOptions options = options(Scenario.ECHO, 3);
    InProcessServer server = new InProcessServer("virtual", LineService.ECHO.application());
    server.close(); // its port is closed now: connects are refused
    try (LoadGenerator load = new LoadGenerator(1)) {
      Measurement m =
          EchoScenario.run(trial(options, Scenario.ECHO, new Point(3, 0), server, load));

      assertThat(m.error()).contains("only 0 of 3 connections were served");
    }
  }
}
