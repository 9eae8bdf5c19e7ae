package io.switchboard.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Medians, Netty ratios, the table, the JSON file and the charts, from made-up samples. */
class ReportTest {
  static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

  private static Sample echo(String model, int connections, int round, double msgs, double p99) {
    return new Sample(
        Scenario.ECHO,
        new Point(connections, 0),
        model,
        round,
        new Measurement(
            Map.of(Metric.MSGS_PER_S, msgs, Metric.P99_US, p99, Metric.P50_US, p99 / 2), null));
  }

  private static BenchReport report(Path out) {
    List<Sample> samples = new ArrayList<>();
    int[] points = {1, 100};
    for (int connections : points) {
      for (int round = 1; round <= 3; round++) {
        samples.add(echo("select", connections, round, 900 + round * 10, 100));
        samples.add(echo("netty:transport=nio", connections, round, 800, 120));
        samples.add(echo("netty:transport=epoll", connections, round, 1000 + round, 90));
      }
    }
    samples.add(
        new Sample(
            Scenario.IDLE,
            new Point(15_000, 0),
            "threads",
            1,
            new Measurement(
                Map.of(Metric.CONNECTIONS_HELD, 4_113.0),
                "only 4,113 of 15,000 " + "connections were served")));
    samples.add(
        new Sample(
            Scenario.IDLE,
            new Point(15_000, 0),
            "select",
            1,
            new Measurement(
                Map.of(Metric.CONNECTIONS_HELD, 15_000.0, Metric.RSS_PER_CONN_KIB, 2.5), null)));
    BenchOptions options =
        BenchOptions.of(
                BenchOptions.parseModels(
                    "select,netty:transport=nio,netty:transport=epoll,threads"),
                List.of(Scenario.ECHO, Scenario.IDLE))
            .withOut(out);
    return new BenchReport(
        options,
        new BenchReport.Machine(2, "test cpu", "21", "Linux"),
        Instant.parse("2026-01-01T00:00:00Z"),
        samples);
  }

  @Test
  void mediansAreComparedWithTheBestNettyTransport() {
    List<BenchReport.Row> rows = report(Path.of("unused")).rows();

    BenchReport.Row select =
        rows.stream()
            .filter(r -> r.model().equals("select") && r.point().connections() == 100)
            .findFirst()
            .orElseThrow();
    assertThat(select.medians().get(Metric.MSGS_PER_S)).isEqualTo(920.0); // 910, 920, 930
    assertThat(select.reference()).isEqualTo("netty:transport=epoll"); // more msgs/s than nio
    assertThat(select.ratios().get(Metric.MSGS_PER_S)).isEqualTo(920.0 / 1002.0);
    assertThat(select.ratios().get(Metric.P99_US)).isEqualTo(100.0 / 90.0);
    BenchReport.Row threads =
        rows.stream().filter(r -> r.model().equals("threads")).findFirst().orElseThrow();
    assertThat(threads.okRounds()).isZero();
    assertThat(threads.medians().get(Metric.CONNECTIONS_HELD)).isEqualTo(4_113.0);
    assertThat(threads.ratios()).isEmpty(); // no Netty measured idle
  }

  @Test
  void tableShowsFiguresRatiosAndFailures() {
    String table = report(Path.of("unused")).table();

    assertThat(table)
        .contains(
            "echo",
            "msgs/s",
            "netty:transport=epoll",
            "920 0.92x",
            "1 of 1 rounds failed: only 4,113 of 15,000 connections were served");
    assertThat(table.lines())
        .as("every line fits a 100-column terminal")
        .allMatch(line -> line.length() <= BenchReport.TABLE_WIDTH);
    assertThat(report(Path.of("unused")).failures()).hasSize(1);
  }

  @Test
  void everyModelKeepsItsColourAndOldChartsGo(@TempDir Path dir) throws Exception {
    Path stale = Files.writeString(dir.resolve("fanout-p99.png"), "from an earlier run");
    Path mine = Files.writeString(dir.resolve("notes.txt"), "not the bench's");
    List<Path> charts = Charts.write(report(dir), dir);
    assertThat(stale).doesNotExist();
    assertThat(mine).exists();
    // The same model, the same colour, in two charts that hold different models.
    java.awt.image.BufferedImage throughput =
        javax.imageio.ImageIO.read(dir.resolve("echo-throughput.png").toFile());
    java.awt.image.BufferedImage idle =
        javax.imageio.ImageIO.read(dir.resolve("idle-rss-per-connection.png").toFile());
    // Colours follow the order the models were given: select first, then nio, then epoll.
    assertThat(colours(throughput)).contains(0x1f77b4, 0xff7f0e, 0x2ca02c);
    assertThat(colours(idle)).contains(0x1f77b4);
    assertThat(charts).isNotEmpty();
  }

  /** The bar colours in a chart: the pixels of the palette's colours that appear in it. */
  private static java.util.Set<Integer> colours(java.awt.image.BufferedImage image) {
    java.util.Set<Integer> found = new java.util.HashSet<>();
    java.util.Set<Integer> palette =
        java.util.Set.of(0x1f77b4, 0xff7f0e, 0x2ca02c, 0xd62728, 0x9467bd, 0x8c564b);
    for (int x = 0; x < image.getWidth(); x++) {
      for (int y = 0; y < image.getHeight(); y++) {
        int rgb = image.getRGB(x, y) & 0xffffff;
        if (palette.contains(rgb)) {
          found.add(rgb);
        }
      }
    }
    return found;
  }

  @Test
  void everyEchoFigureIsAlsoARatioToTheCLimit(@TempDir Path dir) throws Exception {
    List<Sample> samples = new ArrayList<>();
    for (int round = 1; round <= 3; round++) {
      samples.add(echo("reactor", 1000, round, 900, 100));
      samples.add(echo("c-epoll", 1000, round, 1000, 80));
    }
    BenchReport report =
        new BenchReport(
            BenchOptions.of(BenchOptions.parseModels("reactor,c-epoll"), List.of(Scenario.ECHO))
                .withOut(dir),
            new BenchReport.Machine(2, "test cpu", "21", "Linux"),
            Instant.parse("2026-01-01T00:00:00Z"),
            samples);
    BenchReport.Row reactor =
        report.rows().stream().filter(r -> r.model().equals("reactor")).findFirst().orElseThrow();
    assertThat(reactor.limitRatios().get(Metric.MSGS_PER_S)).isEqualTo(0.9);
    assertThat(reactor.limitRatios().get(Metric.P99_US)).isEqualTo(1.25);
    assertThat(reactor.ratios()).isEmpty(); // no Netty in this run
    assertThat(report.table()).contains("ratios to the C epoll limit (c-epoll)", "0.90x", "1.25x");
    report.writeJson(dir.resolve("report.json"));
    assertThat(Files.readString(dir.resolve("report.json"))).contains("\"ratios_to_limit\"");
    assertThat(Charts.write(report, dir))
        .extracting(chart -> chart.getFileName().toString())
        .contains("echo-throughput-vs-limit.png");
  }

  @Test
  void jsonAndChartsAreWritten(@TempDir Path dir) throws Exception {
    BenchReport report = report(dir);
    Path json = dir.resolve("report.json");

    report.writeJson(json);
    List<Path> charts = Charts.write(report, dir);

    JsonNode root = new ObjectMapper().readTree(json.toFile());
    assertThat(root.get("machine").get("cores").asInt()).isEqualTo(2);
    assertThat(root.get("samples")).hasSize(20);
    JsonNode first = root.get("medians").get(0);
    assertThat(first.get("scenario").asText()).isEqualTo("echo");
    assertThat(first.get("metrics").get("msgs_per_s").asDouble()).isEqualTo(920.0);
    assertThat(first.get("ratios").get("msgs_per_s").asDouble()).isEqualTo(920.0 / 1002.0);
    assertThat(root.get("medians").get(7).get("error").asText()).startsWith("only 4,113");
    assertThat(charts)
        .extracting(p -> p.getFileName().toString())
        .contains(
            "echo-throughput.png",
            "echo-throughput-vs-netty.png",
            "echo-p99.png",
            "idle-rss-per-connection.png");
    for (Path chart : charts) {
      byte[] head = new byte[8];
      System.arraycopy(Files.readAllBytes(chart), 0, head, 0, 8);
      assertThat(head).isEqualTo(PNG_SIGNATURE);
    }
  }

  @Test
  void jsonEscapesText() {
    String json =
        new JsonWriter()
            .beginObject()
            .field("a\"b", "line\nnext\t\u0001")
            .name("list")
            .beginArray()
            .value(1.5)
            .value(2)
            .endArray()
            .endObject()
            .toString();

    assertThat(json)
        .isEqualTo(
            "{\n  \"a\\\"b\": \"line\\nnext\\t\\u0001\",\n  \"list\": [\n    1.5,\n    2\n  ]\n}");
  }
}
