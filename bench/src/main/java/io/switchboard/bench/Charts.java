package io.switchboard.bench;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;

/**
 * The report's PNG charts (XChart bar charts): for each scenario its key figure per model and
 * point, and, when Netty was measured, the same figure as a ratio to the best Netty transport.
 *
 * <p>Thread contract: stateless; call from any thread (rendering is headless AWT).
 */
public final class Charts {
  private Charts() {}

  /** One chart: which scenario and figure, and the file it goes to (without extension). */
  private record Figure(Scenario scenario, Metric metric, String file, String title) {
    /** Latencies span orders of magnitude between models: a log axis keeps all readable. */
    boolean logarithmic() {
      return metric == Metric.P50_US || metric == Metric.P99_US || metric == Metric.P999_US;
    }
  }

  private static final List<Figure> FIGURES =
      List.of(
          new Figure(
              Scenario.ECHO, Metric.MSGS_PER_S, "echo-throughput", "echo: messages per second"),
          new Figure(Scenario.ECHO, Metric.P99_US, "echo-p99", "echo: p99 round-trip latency"),
          new Figure(
              Scenario.ECHO,
              Metric.MSGS_PER_CPU_S,
              "echo-efficiency",
              "echo: messages per second of server CPU"),
          new Figure(
              Scenario.IDLE,
              Metric.RSS_PER_CONN_KIB,
              "idle-rss-per-connection",
              "idle: server RSS per connection"),
          new Figure(
              Scenario.IDLE,
              Metric.HEAP_PER_CONN_KIB,
              "idle-heap-per-connection",
              "idle: live heap per connection (after a full GC)"),
          new Figure(
              Scenario.CONNECT,
              Metric.CONNS_PER_S,
              "connect-rate",
              "connect: connections per second"),
          new Figure(Scenario.FANOUT, Metric.P99_US, "fanout-p99", "fanout: p99 delivery latency"),
          new Figure(
              Scenario.FANOUT,
              Metric.DELIVERY_RATIO,
              "fanout-delivery-ratio",
              "fanout: share of messages delivered"),
          new Figure(
              Scenario.HTTP, Metric.REQS_PER_S, "http-throughput", "http: requests per second"),
          new Figure(Scenario.HTTP, Metric.P99_US, "http-p99", "http: p99 request latency"),
          new Figure(
              Scenario.HTTP,
              Metric.CPU_US_PER_REQ,
              "http-cpu-per-request",
              "http: server CPU per request"),
          new Figure(
              Scenario.HTTP_CPU,
              Metric.P99_US,
              "http-cpu-p99",
              "http-cpu: p99 of cheap requests while heavy ones compute"));

  /**
   * One colour per model for the whole run, in the order the models were given, so a model is the
   * same colour in every chart (a distinct palette; it repeats only past twelve models).
   */
  private static final Color[] PALETTE = {
    new Color(0x1f77b4),
    new Color(0xff7f0e),
    new Color(0x2ca02c),
    new Color(0xd62728),
    new Color(0x9467bd),
    new Color(0x8c564b),
    new Color(0xe377c2),
    new Color(0x7f7f7f),
    new Color(0xbcbd22),
    new Color(0x17becf),
    new Color(0x393b79),
    new Color(0xad494a)
  };

  /**
   * Writes every chart the report has data for into {@code dir}, after removing the charts an
   * earlier run left there (a chart this run does not draw must not pass for one of its own);
   * returns the files written.
   */
  public static List<Path> write(BenchReport report, Path dir) throws IOException {
    System.setProperty("java.awt.headless", "true");
    Files.createDirectories(dir);
    removeOldCharts(dir);
    List<BenchReport.Row> rows = report.rows();
    Map<String, Color> colours = new HashMap<>();
    for (ModelSpec model : report.options().models()) {
      colours.put(model.label(), PALETTE[colours.size() % PALETTE.length]);
    }
    for (BenchReport.Row row : rows) { // a model measured two ways (the fan-out on two nodes)
      colours.putIfAbsent(row.model(), PALETTE[colours.size() % PALETTE.length]);
    }
    List<Path> written = new ArrayList<>();
    for (Figure figure : FIGURES) {
      List<BenchReport.Row> mine =
          rows.stream().filter(r -> r.scenario() == figure.scenario()).toList();
      if (mine.stream().noneMatch(r -> r.medians().containsKey(figure.metric()))) {
        continue;
      }
      CategoryChart values =
          chart(
              figure.title(),
              figure.scenario(),
              figure.metric().label(),
              mine,
              r -> r.medians().get(figure.metric()),
              colours);
      if (figure.logarithmic()) {
        java.util.DoubleSummaryStatistics range =
            mine.stream()
                .map(r -> r.medians().get(figure.metric()))
                .filter(v -> v != null && v > 0)
                .mapToDouble(Double::doubleValue)
                .summaryStatistics();
        // A log axis only where the values span a decade or more: over a narrower range it has
        // no tick inside the data and the chart loses its scale.
        if (range.getCount() > 0 && range.getMax() >= 10 * range.getMin()) {
          // Bars start at zero unless told otherwise, and a log axis cannot show zero.
          values.getStyler().setYAxisLogarithmic(true);
          values.getStyler().setYAxisMin(Math.pow(10, Math.floor(Math.log10(range.getMin()))));
        }
      }
      written.add(save(values, dir.resolve(figure.file() + ".png")));
      if (mine.stream().anyMatch(r -> r.ratios().containsKey(figure.metric()))) {
        String reference =
            mine.stream()
                .map(BenchReport.Row::reference)
                .filter(Objects::nonNull)
                .findFirst()
                .orElse("netty");
        written.add(
            save(
                chart(
                    figure.title() + " — ratio to best Netty (" + reference + ")",
                    figure.scenario(),
                    "× Netty",
                    mine,
                    r -> r.ratios().get(figure.metric()),
                    colours),
                dir.resolve(figure.file() + "-vs-netty.png")));
      }
      if (mine.stream().anyMatch(r -> r.limitRatios().containsKey(figure.metric()))
          && BenchReport.LIMIT_METRICS.contains(figure.metric())) {
        written.add(
            save(
                chart(
                    figure.title() + " — ratio to the C epoll limit (c-epoll)",
                    figure.scenario(),
                    "× C epoll",
                    mine,
                    r -> r.limitRatios().get(figure.metric()),
                    colours),
                dir.resolve(figure.file() + "-vs-limit.png")));
      }
    }
    return written;
  }

  private static CategoryChart chart(
      String title,
      Scenario scenario,
      String yTitle,
      List<BenchReport.Row> rows,
      java.util.function.Function<BenchReport.Row, Double> value,
      Map<String, Color> colours) {
    CategoryChart chart =
        new CategoryChartBuilder()
            .width(1000)
            .height(560)
            .title(title)
            .xAxisTitle(
                scenario == Scenario.FANOUT
                    ? "receivers @ total send rate"
                    : scenario == Scenario.CONNECT ? "concurrent clients" : "connections")
            .yAxisTitle(yTitle)
            .build();
    chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
    chart.getStyler().setChartBackgroundColor(Color.WHITE);
    chart.getStyler().setYAxisDecimalPattern("#,##0.##");
    List<String> points = rows.stream().map(r -> r.point().label()).distinct().toList();
    List<String> models = rows.stream().map(BenchReport.Row::model).distinct().toList();
    for (String model : models) {
      List<Double> values = new ArrayList<>();
      for (String point : points) {
        Double v =
            rows.stream()
                .filter(r -> r.model().equals(model) && r.point().label().equals(point))
                .map(value)
                .filter(Objects::nonNull)
                .findFirst()
                .orElse(null); // no bar
        values.add(v);
      }
      chart
          .addSeries(model, points, values)
          .setFillColor(colours.getOrDefault(model, PALETTE[PALETTE.length - 1]));
    }
    return chart;
  }

  /** Deletes the PNG files in {@code dir}: the bench's charts from an earlier run. */
  private static void removeOldCharts(Path dir) throws IOException {
    try (DirectoryStream<Path> old = Files.newDirectoryStream(dir, "*.png")) {
      for (Path chart : old) {
        Files.delete(chart);
      }
    }
  }

  private static Path save(CategoryChart chart, Path file) throws IOException {
    BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    return file;
  }
}
