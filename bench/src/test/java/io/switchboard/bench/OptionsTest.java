package io.switchboard.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OptionsTest {

  @Test
  void modelsCarryTheirServeOptions() {
    List<ModelSpec> models = BenchOptions.parseModels(
        "virtual, select:selector=poll,netty:transport=epoll,threads=2,reactor");

    assertThat(models).extracting(ModelSpec::label).containsExactly(
        "virtual", "select:selector=poll", "netty:transport=epoll,threads=2", "reactor");
    assertThat(models.get(2).options())
        .containsExactlyEntriesOf(Map.of("transport", "epoll", "threads", "2"));
    assertThat(models.get(2).isNetty()).isTrue();
    assertThat(new ServerLauncher("java", "cp", "Main", List.of())
        .command("echo", models.get(1), 100, "0"))
        .containsExactly("taskset", "-c", "0", "java", "-cp", "cp", "Main", "serve", "--app",
            "echo", "--model", "select", "--selector", "poll", "--port", "0",
            "--max-connections", "100", "--idle-timeout", "0");
  }

  @Test
  void badInputIsRefusedWithTheReason() {
    assertThatThrownBy(() -> ModelSpec.parse("netty:epoll"))
        .hasMessageContaining("not key=value");
    assertThatThrownBy(() -> Scenario.parse("pingpong")).hasMessageContaining("echo, idle");
  }

  @Test
  void pointsFollowTheScenarioDefaultsUnlessConnectionsAreGiven() {
    BenchOptions options = BenchOptions.of(BenchOptions.parseModels("virtual"),
        BenchOptions.parseScenarios("echo,fanout")).withFanout(List.of(1_000, 2_000), 4);

    assertThat(options.points(Scenario.ECHO)).extracting(Point::connections)
        .containsExactly(1, 100, 1_000, 10_000);
    assertThat(options.points(Scenario.FANOUT)).containsExactly(new Point(100, 1_000),
        new Point(100, 2_000), new Point(1_000, 1_000), new Point(1_000, 2_000));
    assertThat(options.withConnections(BenchOptions.parseCounts("7,10_000"))
        .points(Scenario.IDLE)).extracting(Point::connections).containsExactly(7, 10_000);
  }

  @Test
  void sourceAddressesWalkTheLoopbackNetworkSkippingZeroAndBroadcastOctets() throws Exception {
    SourceAddresses sources = new SourceAddresses();
    assertThat(sources.current().getHostAddress()).isEqualTo("127.0.0.1");

    sources.exhausted(sources.current());
    sources.exhausted(SourceAddresses.address(1)); // a late report of the same address: no skip

    assertThat(sources.current().getHostAddress()).isEqualTo("127.0.0.2");
    assertThat(SourceAddresses.address(SourceAddresses.nextUsable(254)).getHostAddress())
        .isEqualTo("127.0.1.1");
  }
}
