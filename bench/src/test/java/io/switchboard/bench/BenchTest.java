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
}
