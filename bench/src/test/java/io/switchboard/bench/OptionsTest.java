package io.switchboard.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import java.util.List;
import org.junit.jupiter.api.Test;

class OptionsTest {

  @Test
  void modelsCarryTheirServeOptions() {
    List<ModelSpec> models =
        BenchOptions.parseModels(
            "virtual, select:selector=poll,netty:transport=epoll,threads=2,reactor");

    assertThat(models)
        .extracting(ModelSpec::label)
        .containsExactly(
            "virtual", "select:selector=poll", "netty:transport=epoll,threads=2", "reactor");
    assertThat(models.get(2).options())
        .containsExactly(entry("transport", "epoll"), entry("threads", "2"));
    assertThat(models.get(2).isNetty()).isTrue();
    assertThat(
            new ServerLauncher("java", "cp", "Main", List.of())
                .command("chat", models.get(1), List.of("--chat-rate-limit", "400"), 100, "0"))
        .containsExactly(
            "taskset",
            "-c",
            "0",
            "java",
            "--enable-native-access=ALL-UNNAMED",
            "-cp",
            "cp",
            "Main",
            "serve",
            "--app",
            "chat",
            "--model",
            "select",
            "--selector",
            "poll",
            "--chat-rate-limit",
            "400",
            "--log-level",
            "warn",
            "--port",
            "0",
            "--max-connections",
            "100",
            "--idle-timeout",
            "0");
  }

  @Test
  void aModelFromAnotherBuildRunsFromItsJar() {
    ModelSpec before = ModelSpec.parse("reactor:jar=/tmp/before.jar,threads=2");
    assertThat(before.jar()).isEqualTo("/tmp/before.jar");
    assertThat(before.serveOptions()).containsExactly(entry("threads", "2"));
    assertThat(
            new ServerLauncher("java", "cp", "Main", List.of())
                .command("echo", before, List.of(), 10, null))
        .containsSubsequence("-cp", "/tmp/before.jar", "Main", "serve")
        .containsSubsequence("--threads", "2")
        .doesNotContain("--jar", "cp");
  }

  @Test
  void serversGetTheBenchsTuningFlagsButNotItsAgents() {
    assertThat(
            ServerLauncher.tuningFlags(
                List.of(
                    "-XX:+UseSerialGC",
                    "-Xmn16m",
                    "-XX:StartFlightRecording=filename=x.jfr",
                    "-javaagent:a.jar",
                    "-Xlog:gc",
                    "-Dfoo=bar",
                    "-Xss512k")))
        .containsExactly("-XX:+UseSerialGC", "-Xmn16m", "-Xss512k");
  }

  @Test
  void badInputIsRefusedWithTheReason() {
    assertThatThrownBy(() -> ModelSpec.parse("netty:epoll")).hasMessageContaining("not key=value");
    assertThatThrownBy(() -> Scenario.parse("pingpong")).hasMessageContaining("echo, idle");
  }

  @Test
  void twoNodesAreForTheFanOutAndTheBusForTwoNodes() {
    List<ModelSpec> virtual = BenchOptions.parseModels("virtual");
    BenchOptions fanout = BenchOptions.of(virtual, List.of(Scenario.FANOUT));
    assertThat(fanout.nodes()).isEqualTo(1);
    assertThat(fanout.withNodes(2, "redis://127.0.0.1:6379").bus())
        .isEqualTo("redis://127.0.0.1:6379");
    assertThatThrownBy(() -> BenchOptions.of(virtual, List.of(Scenario.ECHO)).withNodes(2, null))
        .hasMessageContaining("fanout scenario only");
    assertThatThrownBy(() -> fanout.withNodes(1, "redis://127.0.0.1:6379"))
        .hasMessageContaining("--nodes 2");
    assertThatThrownBy(() -> fanout.withNodes(3, null)).hasMessageContaining("1 or 2");
  }

  @Test
  void pointsFollowTheScenarioDefaultsUnlessConnectionsAreGiven() {
    BenchOptions options =
        BenchOptions.of(
                BenchOptions.parseModels("virtual"), BenchOptions.parseScenarios("echo,fanout"))
            .withFanout(List.of(1_000, 2_000), 4);

    assertThat(options.points(Scenario.ECHO))
        .extracting(Point::connections)
        .containsExactly(1, 100, 1_000, 10_000);
    assertThat(options.points(Scenario.FANOUT))
        .containsExactly(
            new Point(100, 1_000),
            new Point(100, 2_000),
            new Point(1_000, 1_000),
            new Point(1_000, 2_000));
    assertThat(options.withConnections(BenchOptions.parseCounts("7,10_000")).points(Scenario.IDLE))
        .extracting(Point::connections)
        .containsExactly(7, 10_000);
  }

  @Test
  void sourcePairsWalkEachAddressesPortsThenTheNextAddress() {
    assertThat(SourceAddresses.outsideEphemeralRange(new int[] {32768, 60999}))
        .containsExactly(1024, 32767);
    assertThat(SourceAddresses.outsideEphemeralRange(new int[] {1024, 40000}))
        .containsExactly(40001, 65535);
    SourceAddresses sources = new SourceAddresses(new int[] {40000, 40002});

    assertThat(java.util.stream.Stream.generate(sources::next).limit(4).map(Object::toString))
        .containsExactly(
            "/127.0.0.2:40000", "/127.0.0.2:40001", "/127.0.0.2:40002", "/127.0.0.3:40000");
    assertThat(sources.size()).isEqualTo(3 * 250);
  }
}
