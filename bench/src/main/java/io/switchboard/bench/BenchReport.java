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
    return new Row(scenario, point, model, medians, Map.of(), null, ok.size(), runs.size(), error);
  }

  static double median(List<Double> sorted) {
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  /** Picks the best Netty row by the scenario's headline figure and divides every row by it. */
  private static List<Row> withRatios(Scenario scenario, List<Row> rows) {
    Metric headline = scenario.headline();
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
    if (best == null) {
      return rows;
    }
    List<Row> result = new ArrayList<>();
    for (Row row : rows) {
      Map<Metric, Double> ratios = new EnumMap<>(Metric.class);
      for (Map.Entry<Metric, Double> entry : row.medians().entrySet()) {
        Double reference = best.medians().get(entry.getKey());
        if (reference != null && reference != 0) {
          ratios.put(entry.getKey(), entry.getValue() / reference);
        }
      }
      result.add(
          new Row(
              row.scenario(),
              row.point(),
              row.model(),
              row.medians(),
              Collections.unmodifiableMap(ratios),
              best.model(),
              row.okRounds(),
              row.rounds(),
              row.error()));
    }
    return result;
  }

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

  /** The medians as text tables, one per scenario; ratios to Netty in parentheses. */
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
          .append(" — medians of ")
          .append(options.rounds())
          .append(" round(s)")
          .append(reference.isEmpty() ? "" : "; (x) = ratio to the best Netty: " + reference)
          .append('\n');
      List<String> header =
          new ArrayList<>(
              List.of(
                  scenario == Scenario.FANOUT
                      ? "receivers @ rate"
                      : scenario == Scenario.HTTP ? "connections × file" : "connections",
                  "model"));
      scenario.shown().forEach(m -> header.add(m.label()));
      List<List<String>> cells = new ArrayList<>();
      for (Row row : mine) {
        List<String> line = new ArrayList<>(List.of(row.point().label(), row.model()));
        for (Metric metric : scenario.shown()) {
          Double value = row.medians().get(metric);
          Double ratio = row.ratios().get(metric);
          line.add(
              value == null
                  ? "-"
                  : format(value) + (ratio == null ? "" : String.format(" (%.2fx)", ratio)));
        }
        if (row.error() != null) {
          line.add(
              String.format(
                  "%d/%d failed: %s", row.rounds() - row.okRounds(), row.rounds(), row.error()));
        }
        cells.add(line);
      }
      appendAligned(text, header, cells);
    }
    return text.toString();
  }

  private static void appendAligned(
      StringBuilder text, List<String> header, List<List<String>> rows) {
    int[] widths = new int[header.size()];
    for (int i = 0; i < header.size(); i++) {
      widths[i] = header.get(i).length();
      for (List<String> row : rows) {
        if (i < row.size()) {
          widths[i] = Math.max(widths[i], row.get(i).length());
        }
      }
    }
    List<List<String>> all = new ArrayList<>();
    all.add(header);
    all.addAll(rows);
    for (List<String> row : all) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.size(); i++) {
        String cell = row.get(i);
        if (i >= widths.length) {
          line.append("  ").append(cell);
        } else if (i < 2) {
          line.append(String.format("%-" + widths[i] + "s  ", cell));
        } else {
          line.append(String.format("%" + widths[i] + "s  ", cell));
        }
      }
      text.append(line.toString().stripTrailing()).append('\n');
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
    json.field("duration_s", options.duration().toMillis() / 1e3)
        .field("warmup_s", options.warmup().toMillis() / 1e3)
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
