package io.switchboard.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The results of one bench run: every trial, and per scenario, point and model the median of each
 * figure over the rounds, with its ratio to the best Netty transport of the same run at the same
 * point (when Netty was measured). Renders the terminal table and the JSON file.
 *
 * <p>Thread contract: immutable once built; any thread.
 *
 * @param options what the run was told
 * @param machine where it ran
 * @param started when it started
 * @param samples every trial, in the order run
 */
public record BenchReport(
    BenchOptions options, Machine machine, Instant started, List<Sample> samples) {

  /** The machine the numbers belong to. */
  public record Machine(int cores, String cpu, String java, String os) {}

  /**
   * The medians for one model at one point.
   *
   * @param medians each figure's median over the rounds that measured it
   * @param ratios each figure divided by the reference Netty's; empty without Netty
   * @param reference the Netty transport the ratios compare with, or {@code null}
   * @param limitRatios each figure divided by the C epoll limit's ({@code c-epoll}) at the same
   *     point; empty when it was not measured
   * @param okRounds rounds without error
   * @param error the first error of a failed round, or {@code null}
   */
  public record Row(
      Scenario scenario,
      Point point,
      String model,
      Map<Metric, Double> medians,
      Map<Metric, Double> ratios,
      String reference,
      Map<Metric, Double> limitRatios,
      int okRounds,
      int rounds,
      String error) {}

  public BenchReport {
    samples = List.copyOf(samples);
  }

  /** One row per scenario, point and model, in run order. */
  public List<Row> rows() {
    List<Row> rows = new ArrayList<>();
    for (Scenario scenario : scenarios()) {
      for (Point point : points(scenario)) {
        List<Row> atPoint = new ArrayList<>();
        for (String model : models()) {
          List<Sample> runs =
              samples.stream()
                  .filter(
                      s ->
                          s.scenario() == scenario
                              && s.point().equals(point)
                              && s.model().equals(model))
                  .toList();
          if (!runs.isEmpty()) {
            atPoint.add(medianRow(scenario, point, model, runs));
          }
        }
        rows.addAll(withRatios(scenario, atPoint));
      }
    }
    return rows;
  }

  private static Row medianRow(Scenario scenario, Point point, String model, List<Sample> runs) {
    List<Measurement> ok = runs.stream().map(Sample::measurement).filter(Measurement::ok).toList();
    // With no good round, the failed rounds' partial figures still say how far a model got.
    List<Measurement> basis = ok.isEmpty() ? runs.stream().map(Sample::measurement).toList() : ok;
    Map<Metric, Double> medians = new EnumMap<>(Metric.class);
    for (Metric metric : Metric.values()) {
      List<Double> values =
          basis.stream().map(m -> m.get(metric)).filter(Objects::nonNull).sorted().toList();
      if (!values.isEmpty()) {
        medians.put(metric, median(values));
      }
    }
    String error =
        runs.stream()
            .map(Sample::measurement)
            .filter(m -> !m.ok())
            .findFirst()
            .map(Measurement::error)
            .orElse(null);
    return new Row(
        scenario, point, model, medians, Map.of(), null, Map.of(), ok.size(), runs.size(), error);
  }

  static double median(List<Double> sorted) {
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  /**
   * Picks the best Netty row by the scenario's headline figure and divides every row by it; divides
   * every row by the C epoll limit's too, when it was measured at this point.
   */
  private static List<Row> withRatios(Scenario scenario, List<Row> rows) {
    Metric headline = scenario.headline();
    Row limit =
        rows.stream()
            .filter(r -> ModelSpec.parse(r.model()).isLimit() && r.okRounds() > 0)
            .findFirst()
            .orElse(null);
    Row best = null;
    for (Row row : rows) {
      Double value = row.medians().get(headline);
      if (ModelSpec.parse(row.model()).isNetty()
          && row.okRounds() > 0
          && value != null
          && (best == null || headline.better(value, best.medians().get(headline)))) {
        best = row;
      }
    }
    if (best == null && limit == null) {
      return rows;
    }
    List<Row> result = new ArrayList<>();
    for (Row row : rows) {
      result.add(
          new Row(
              row.scenario(),
              row.point(),
              row.model(),
              row.medians(),
              best == null ? Map.of() : divided(row, best),
              best == null ? null : best.model(),
              limit == null ? Map.of() : divided(row, limit),
              row.okRounds(),
              row.rounds(),
              row.error()));
    }
    return result;
  }

  /** Each figure of {@code row} divided by {@code reference}'s. */
  private static Map<Metric, Double> divided(Row row, Row reference) {
    Map<Metric, Double> ratios = new EnumMap<>(Metric.class);
    for (Map.Entry<Metric, Double> entry : row.medians().entrySet()) {
      Double base = reference.medians().get(entry.getKey());
      if (base != null && base != 0) {
        ratios.put(entry.getKey(), entry.getValue() / base);
      }
    }
    return Collections.unmodifiableMap(ratios);
  }

  /** The figures compared with the C epoll limit, in its own table. */
  static final List<Metric> LIMIT_METRICS =
      List.of(Metric.MSGS_PER_S, Metric.P99_US, Metric.MSGS_PER_CPU_S);

  private List<Scenario> scenarios() {
    return samples.stream().map(Sample::scenario).distinct().toList();
  }

  private List<Point> points(Scenario scenario) {
    return samples.stream()
        .filter(s -> s.scenario() == scenario)
        .map(Sample::point)
        .distinct()
        .toList();
  }

  private List<String> models() {
    return samples.stream().map(Sample::model).distinct().toList();
  }

  // ---- the terminal table ----

  /** The widest line of the terminal table: it fits a 100-column terminal. */
  static final int TABLE_WIDTH = 100;

  /** Model labels longer than this are shortened in the table (the JSON has them whole). */
  private static final int MODEL_WIDTH = 24;

  /**
   * The medians as text tables, one per scenario, at most {@link #TABLE_WIDTH} columns wide: each
   * figure with its ratio to Netty ("162,243 1.24x"), as many figures as fit, in the order of
   * importance the scenario gives; the rest are named under the table and are in the JSON. Failed
   * rounds are listed under the table.
   */
  public String table() {
    StringBuilder text = new StringBuilder();
    List<Row> rows = rows();
    for (Scenario scenario : scenarios()) {
      List<Row> mine = rows.stream().filter(r -> r.scenario() == scenario).toList();
      String reference =
          mine.stream()
              .map(Row::reference)
              .filter(Objects::nonNull)
              .distinct()
              .collect(Collectors.joining(", "));
      text.append('\n')
          .append(scenario.key())
          .append(": medians of ")
          .append(options.rounds())
          .append(" round(s)")
          .append(reference.isEmpty() ? "" : "; ratios to the best Netty, " + reference)
          .append('\n');
      List<List<String>> columns = new ArrayList<>();
      columns.add(
          column(
              switch (scenario) {
                case FANOUT -> "receivers @ rate";
                case SOAK -> "sessions @ rate";
                case STORM -> "places";
                case HTTP -> "connections × file";
                default -> "connections";
              },
              mine,
              r -> r.point().label()));
      columns.add(column("model", mine, r -> shorten(r.model())));
      int width = columns.stream().mapToInt(BenchReport::width).sum() + 2;
      List<String> left = new ArrayList<>();
      for (Metric metric : scenario.shown()) {
        List<String> column =
            column(
                metric.label(),
                mine,
                row -> {
                  Double value = row.medians().get(metric);
                  Double ratio = row.ratios().get(metric);
                  return value == null
                      ? "-"
                      : format(value) + (ratio == null ? "" : String.format(" %.2fx", ratio));
                });
        if (left.isEmpty() && width + 2 + width(column) <= TABLE_WIDTH) {
          columns.add(column);
          width += 2 + width(column);
        } else {
          left.add(metric.label());
        }
      }
      appendAligned(text, columns);
      if (!left.isEmpty()) {
        text.append("(also in report.json: ").append(String.join(", ", left)).append(")\n");
      }
      if (mine.stream()
          .anyMatch(r -> LIMIT_METRICS.stream().anyMatch(r.limitRatios()::containsKey))) {
        text.append("\n")
            .append(scenario.key())
            .append(": ratios to the C epoll limit (c-epoll)\n");
        List<List<String>> limitColumns = new ArrayList<>(columns.subList(0, 2));
        for (Metric metric : LIMIT_METRICS) {
          limitColumns.add(
              column(
                  metric.label(),
                  mine,
                  row -> {
                    Double ratio = row.limitRatios().get(metric);
                    return ratio == null ? "-" : String.format("%.2fx", ratio);
                  }));
        }
        appendAligned(text, limitColumns);
      }
      for (Row row : mine) {
        if (row.error() != null) {
          text.append(
              String.format(
                  "%s at %s: %d of %d rounds failed: %s%n",
                  row.model(),
                  row.point().label(),
                  row.rounds() - row.okRounds(),
                  row.rounds(),
                  row.error()));
        }
      }
    }
    return text.toString();
  }

  /** The rows (model and point) in which a round failed, for the exit status. */
  public List<Row> failures() {
    return rows().stream().filter(row -> row.error() != null).toList();
  }

  private static List<String> column(
      String header, List<Row> rows, java.util.function.Function<Row, String> cell) {
    List<String> column = new ArrayList<>();
    column.add(header);
    rows.forEach(row -> column.add(cell.apply(row)));
    return column;
  }

  private static int width(List<String> column) {
    return column.stream().mapToInt(String::length).max().orElse(0);
  }

  private static String shorten(String model) {
    return model.length() <= MODEL_WIDTH
        ? model
        : model.substring(0, MODEL_WIDTH / 2 - 1)
            + "…"
            + model.substring(model.length() - MODEL_WIDTH / 2);
  }

  /** The columns side by side: the first two (point, model) left-aligned, figures right. */
  private static void appendAligned(StringBuilder text, List<List<String>> columns) {
    int[] widths = columns.stream().mapToInt(BenchReport::width).toArray();
    for (int line = 0; line < columns.get(0).size(); line++) {
      StringBuilder out = new StringBuilder();
      for (int i = 0; i < columns.size(); i++) {
        String cell = columns.get(i).get(line);
        out.append(String.format((i < 2 ? "%-" : "%") + widths[i] + "s  ", cell));
      }
      text.append(out.toString().stripTrailing()).append('\n');
    }
  }

  /** Numbers as people read them: thousands separated, few decimals for small values. */
  static String format(double value) {
    double magnitude = Math.abs(value);
    if (magnitude >= 100) {
      return String.format("%,.0f", value);
    }
    if (magnitude >= 10) {
      return String.format("%.1f", value);
    }
    return String.format("%.2f", value);
  }

  // ---- JSON ----

  public String toJson() {
    JsonWriter json = new JsonWriter().beginObject();
    json.field("started", started.toString());
    json.name("machine")
        .beginObject()
        .field("cores", machine.cores())
        .field("cpu", machine.cpu())
        .field("java", machine.java())
        .field("os", machine.os())
        .endObject();
    json.name("options").beginObject();
    json.name("models").beginArray();
    options.models().forEach(m -> json.value(m.label()));
    json.endArray();
    json.name("scenarios").beginArray();
    options.scenarios().forEach(s -> json.value(s.key()));
    json.endArray();
    json.name("connections").beginArray();
    options.connections().forEach(json::value);
    json.endArray();
    json.name("duration_s").beginObject();
    options.scenarios().forEach(s -> json.field(s.key(), options.durationFor(s).toMillis() / 1e3));
    json.endObject();
    json.field("warmup_s", options.warmup().toMillis() / 1e3)
        .field("rounds", options.rounds())
        .field("pin", options.pin());
    json.name("rates").beginArray();
    options.rates().forEach(json::value);
    json.endArray();
    json.field("senders", options.senders())
        .field("load_threads", options.loadThreads())
        .endObject();
    json.name("medians").beginArray();
    for (Row row : rows()) {
      json.beginObject()
          .field("scenario", row.scenario().key())
          .field("connections", row.point().connections())
          .field("rate", row.point().rate())
          .field("bytes", row.point().bytes())
          .field("model", row.model())
          .field("ok_rounds", row.okRounds())
          .field("rounds", row.rounds());
      metrics(json.name("metrics"), row.medians());
      if (row.reference() != null) {
        json.field("reference", row.reference());
        metrics(json.name("ratios"), row.ratios());
      }
      if (!row.limitRatios().isEmpty()) {
        metrics(json.name("ratios_to_limit"), row.limitRatios());
      }
      json.field("error", row.error()).endObject();
    }
    json.endArray();
    json.name("samples").beginArray();
    for (Sample sample : samples) {
      json.beginObject()
          .field("scenario", sample.scenario().key())
          .field("connections", sample.point().connections())
          .field("rate", sample.point().rate())
          .field("bytes", sample.point().bytes())
          .field("model", sample.model())
          .field("round", sample.round());
      metrics(json.name("metrics"), sample.measurement().values());
      json.field("error", sample.measurement().error()).endObject();
    }
    json.endArray();
    return json.endObject().toString() + "\n";
  }

  private static void metrics(JsonWriter json, Map<Metric, Double> values) {
    json.beginObject();
    values.forEach((metric, value) -> json.field(metric.key(), value));
    json.endObject();
  }

  public void writeJson(Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Files.writeString(file, toJson(), StandardCharsets.UTF_8);
  }
}
