package io.switchboard.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A whole (tiny) bench run: server processes, alternating models, table, JSON and charts. */
class BenchTest {

  @Test
  void runsEachModelAsItsOwnProcessAndWritesTheReport(@TempDir Path dir) throws Exception {
    assumeTrue(ProcStats.available(), "the bench measures through /proc");
    BenchOptions options =
        BenchOptions.of(
                BenchOptions.parseModels("virtual,threads"), List.of(Scenario.ECHO, Scenario.IDLE))
            .withConnections(List.of(4))
            .withTiming(Duration.ofSeconds(1), Duration.ZERO, 1)
            .withOut(dir)
            .withLoadThreads(1);
    ServerLauncher launcher =
        ServerLauncher.current(BenchTestServer.class.getName())
            .withJvmArgs(List.of("-Xmx64m", "-XX:TieredStopAtLevel=1"));
    ByteArrayOutputStream terminal = new ByteArrayOutputStream();

    PrintStream out = new PrintStream(terminal, true, StandardCharsets.UTF_8);
    BenchReport report = new Bench(options, launcher, out, Progress.to(out, true)).run();

    assertThat(report.samples())
        .hasSize(4)
        .extracting(Sample::model)
        .containsExactly("virtual", "threads", "virtual", "threads");
    assertThat(report.samples()).allSatisfy(s -> assertThat(s.measurement().error()).isNull());
    Sample idle = report.samples().get(3);
    assertThat(idle.measurement().get(Metric.CONNECTIONS_HELD)).isEqualTo(4);
    // The thread-per-connection server grew threads for its connections (plus writers).
    assertThat(idle.measurement().get(Metric.THREADS_PER_CONN)).isGreaterThanOrEqualTo(1);
    String text = terminal.toString(StandardCharsets.UTF_8);
    assertThat(text).contains("[4/4", "msgs/s", "KiB/conn", "report: ");
    JsonNode json = new ObjectMapper().readTree(dir.resolve("report.json").toFile());
    assertThat(json.get("samples")).hasSize(4);
    assertThat(Files.readAllBytes(dir.resolve("echo-throughput.png")))
        .startsWith(ReportTest.PNG_SIGNATURE);
  }

  @Test
  void stormAndSoakRunAgainstTheChatHubAndReportTheirFigures(@TempDir Path dir) throws Exception {
    assumeTrue(ProcStats.available(), "the bench measures through /proc");
    BenchOptions storm =
        BenchOptions.of(BenchOptions.parseModels("virtual"), List.of(Scenario.STORM))
            .withConnections(List.of(40))
            .withTiming(Duration.ofSeconds(1), Duration.ofMillis(500), 1)
            .withOut(dir.resolve("storm"))
            .withLoadThreads(1);
    BenchOptions soak =
        BenchOptions.of(BenchOptions.parseModels("virtual"), List.of(Scenario.SOAK))
            .withConnections(List.of(6))
            .withFanout(List.of(60), 1)
            .withTiming(Duration.ofSeconds(2), Duration.ofSeconds(1), 1)
            .withOut(dir.resolve("soak"))
            .withLoadThreads(1);
    ServerLauncher launcher =
        ServerLauncher.current(BenchTestServer.class.getName())
            .withJvmArgs(List.of("-Xmx64m", "-XX:TieredStopAtLevel=1"));
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);

    Measurement stormed =
        new Bench(storm, launcher, quiet, Progress.to(quiet, true))
            .measure()
            .samples()
            .get(0)
            .measurement();
    assertThat(stormed.error()).isNull();
    // 40 places, the pair takes two, 48 clients storm: 38 in, 10 refused, all answered.
    assertThat(stormed.get(Metric.ADMITTED)).isEqualTo(38);
    assertThat(stormed.get(Metric.REFUSED)).isEqualTo(10);
    assertThat(stormed.get(Metric.FAILURES)).isZero();
    assertThat(stormed.get(Metric.WELCOME_MAX_MS)).isPositive();
    assertThat(stormed.get(Metric.P99_US)).isPositive();
    assertThat(stormed.get(Metric.RSS_PEAK_MIB)).isPositive();
    assertThat(stormed.get(Metric.STOP_S)).isPositive();

    Measurement soaked =
        new Bench(soak, launcher, quiet, Progress.to(quiet, true))
            .measure()
            .samples()
            .get(0)
            .measurement();
    assertThat(soaked.error()).isNull();
    assertThat(soaked.get(Metric.SESSIONS)).isPositive();
    assertThat(soaked.get(Metric.FAILURES)).isZero();
    for (Metric figure : Scenario.SOAK.shown()) {
      assertThat(soaked.get(figure)).as(figure.label()).isNotNull();
    }
    assertThat(soaked.get(Metric.HEAP_END_MIB)).isPositive();
    assertThat(soaked.get(Metric.FDS_END)).isPositive();
  }
}
