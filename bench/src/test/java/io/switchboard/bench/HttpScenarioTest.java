package io.switchboard.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.switchboard.http.HttpServer;
import io.switchboard.http.HttpSettings;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The http scenarios end to end against an in-process web server (and against nginx, the reference,
 * where it is installed): the load client reads real responses, and the figures come out.
 */
class HttpScenarioTest {
  private static HttpSite site;
  private static LoadGenerator load;

  @BeforeAll
  static void setUp() throws Exception {
    site = HttpSite.create();
    load = new LoadGenerator(1);
  }

  @AfterAll
  static void tearDown() throws Exception {
    load.close();
    site.close();
  }

  private static Trial trial(Scenario scenario, Point point, ServerUnderTest server) {
    BenchOptions options =
        BenchOptions.of(List.of(ModelSpec.parse("select")), List.of(scenario))
            .withTiming(Duration.ofMillis(500), Duration.ofMillis(100), 1);
    return new Trial(options, scenario, point, options.models().get(0), server, load, s -> {});
  }

  @Test
  void theHttpScenariosAreNamedAndVisitEachFileSize() {
    assertThat(BenchOptions.parseScenarios("http,http-cpu"))
        .containsExactly(Scenario.HTTP, Scenario.HTTP_CPU);
    assertThat(Scenario.HTTP_CPU.key()).isEqualTo("http-cpu");
    BenchOptions options =
        BenchOptions.of(List.of(ModelSpec.parse("select")), List.of(Scenario.HTTP));
    assertThat(options.points(Scenario.HTTP))
        .extracting(Point::label)
        .containsExactly("100 × 1 KiB", "100 × 1 MiB", "1,000 × 1 KiB", "1,000 × 1 MiB");
    assertThat(ModelSpec.parse("reactor:threads=2").with("worker-threads", "2").label())
        .isEqualTo("reactor:threads=2,worker-threads=2");
  }

  @Test
  void fetchesEachFileSizeAndCountsTheBytes() throws Exception {
    assumeTrue(ProcStats.available(), "the bench measures through /proc");
    try (InProcessServer server =
        new InProcessServer(
            "select", HttpServer.application(HttpSettings.DEFAULT.withRoot(site.root())))) {
      for (int size : BenchOptions.HTTP_FILE_SIZES) {
        Measurement m = HttpScenario.run(trial(Scenario.HTTP, new Point(4, 0, size), server));
        assertThat(m.error()).isNull();
        assertThat(m.get(Metric.REQS_PER_S)).isPositive();
        // Every response's body was read to its end: MiB/s is requests/s times the file size.
        assertThat(m.get(Metric.MIB_PER_S) * (1 << 20) / size)
            .isCloseTo(
                m.get(Metric.REQS_PER_S), org.assertj.core.data.Percentage.withPercentage(5));
      }
    }
  }

  @Test
  void heavyQuestionsAreAnsweredBesideTheCheapRequests() throws Exception {
    assumeTrue(ProcStats.available(), "the bench measures through /proc");
    try (InProcessServer server =
        new InProcessServer(
            "select",
            HttpServer.application(
                HttpSettings.DEFAULT.withRoot(site.root()).withWorkers(2, 64)))) {
      Measurement m = HttpScenario.run(trial(Scenario.HTTP_CPU, new Point(4, 0), server));
      // No error: every heavy connection had its first answer (200) before the clock started, and
      // every response after it was a 200 too. How many heavy answers fit in this short window
      // depends on the machine, so only the figure's presence is checked.
      assertThat(m.error()).isNull();
      assertThat(m.get(Metric.HEAVY_PER_S)).isNotNull();
      assertThat(m.get(Metric.P99_US)).isPositive();
    }
  }

  @Test
  void nginxIsMeasuredTheSameWay() throws Exception {
    ReferenceServer reference = ReferenceServer.named("nginx").orElseThrow();
    assumeTrue(reference.installed(), "nginx is a bench package (tools/bench-packages)");
    try (ReferenceServer.Running nginx = reference.start(site.root(), null)) {
      Measurement m = HttpScenario.run(trial(Scenario.HTTP, new Point(4, 0, 1024), nginx));
      assertThat(m.error()).isNull();
      assertThat(m.get(Metric.REQS_PER_S)).isPositive();
      assertThat(m.get(Metric.SERVER_CPU_S)).isPositive();
    }
  }
}
