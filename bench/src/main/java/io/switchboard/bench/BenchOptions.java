package io.switchboard.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Everything one bench run is told, as one immutable value (the CLI maps its options onto it).
 *
 * @param models the servers under test, e.g. {@code virtual}, {@code netty:transport=epoll}
 * @param scenarios the scenarios to run, in order
 * @param connections connection counts for every scenario; empty means each scenario's default
 * @param duration how long each trial measures (idle: how long it holds the connections; storm: how
 *     long the crowd stays before half of it leaves); {@code null} for each scenario's own ({@link
 *     Scenario#defaultDuration()})
 * @param warmup how long each trial runs before measuring (JIT, caches, pools settle)
 * @param rounds how many times each model is measured at each point; medians are reported
 * @param out where the JSON report and PNG charts go
 * @param pin put the server on core 0 and the load generator on core 1 with taskset
 * @param rates fanout and soak: total send rates to try, msgs/s
 * @param senders fanout: how many clients send (the rate is split among them)
 * @param loadThreads the load generator's selector threads
 * @param nodes fanout: 1, or 2 to measure the chat hub spread over two nodes sharing one Redis
 *     (senders on one, receivers on the other) next to the same fan-out on one node
 * @param bus fanout with 2 nodes: the Redis they share ({@code redis://HOST:PORT}); {@code null}:
 *     the bench starts a {@code redis-server} of its own for each two-node trial
 */
public record BenchOptions(
    List<ModelSpec> models,
    List<Scenario> scenarios,
    List<Integer> connections,
    Duration duration,
    Duration warmup,
    int rounds,
    Path out,
    boolean pin,
    List<Integer> rates,
    int senders,
    int loadThreads,
    int nodes,
    String bus) {

  public static final Duration DEFAULT_DURATION = Duration.ofSeconds(10);
  public static final Duration DEFAULT_WARMUP = Duration.ofSeconds(5);
  public static final int DEFAULT_ROUNDS = 3;
  public static final Path DEFAULT_OUT = Path.of("bench-results");
  public static final List<Integer> DEFAULT_RATES = List.of(2_000);
  public static final int DEFAULT_SENDERS = 10;

  /** Two loops keep up with every model here and leave the server a core when pinned. */
  public static final int DEFAULT_LOAD_THREADS = 2;

  public BenchOptions {
    models = List.copyOf(models);
    scenarios = List.copyOf(scenarios);
    connections = List.copyOf(connections);
    rates = List.copyOf(rates);
    Objects.requireNonNull(warmup, "warmup");
    Objects.requireNonNull(out, "out");
    require(!models.isEmpty(), "at least one model");
    require(!scenarios.isEmpty(), "at least one scenario");
    require(connections.stream().allMatch(c -> c > 0), "connections must be positive");
    require(
        duration == null || (!duration.isNegative() && !duration.isZero()),
        "duration must be positive");
    require(!warmup.isNegative(), "warmup must not be negative");
    require(rounds > 0, "rounds must be positive");
    require(!rates.isEmpty() && rates.stream().allMatch(r -> r > 0), "rates must be positive");
    require(senders > 0, "senders must be positive");
    require(loadThreads > 0, "loadThreads must be positive");
    require(nodes == 1 || nodes == 2, "nodes must be 1 or 2");
    require(bus == null || nodes == 2, "--bus is for the two-node fan-out (--nodes 2)");
    require(
        nodes == 1 || scenarios.contains(Scenario.FANOUT),
        "--nodes 2 measures the fanout scenario only");
  }

  /** The defaults for everything but the models and scenarios. */
  public static BenchOptions of(List<ModelSpec> models, List<Scenario> scenarios) {
    return new BenchOptions(
        models,
        scenarios,
        List.of(),
        null,
        DEFAULT_WARMUP,
        DEFAULT_ROUNDS,
        DEFAULT_OUT,
        false,
        DEFAULT_RATES,
        DEFAULT_SENDERS,
        DEFAULT_LOAD_THREADS,
        1,
        null);
  }

  /** Parses {@code "virtual,select:selector=poll,netty:transport=epoll"}. */
  public static List<ModelSpec> parseModels(String csv) {
    // Commas also separate model options: a part starts a new model unless it is a bare
    // key=value (no ':' before its '=').
    List<ModelSpec> models = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String part : csv.split(",")) {
      if (part.isBlank()) {
        continue;
      }
      int eq = part.indexOf('=');
      boolean startsModel = eq < 0 || part.substring(0, eq).contains(":");
      if (!current.isEmpty() && startsModel) {
        models.add(ModelSpec.parse(current.toString()));
        current.setLength(0);
      }
      current.append(current.isEmpty() ? "" : ",").append(part.trim());
    }
    if (!current.isEmpty()) {
      models.add(ModelSpec.parse(current.toString()));
    }
    return models;
  }

  /** Parses {@code "echo,idle"}. */
  public static List<Scenario> parseScenarios(String csv) {
    return Arrays.stream(csv.split(",")).filter(s -> !s.isBlank()).map(Scenario::parse).toList();
  }

  /** Parses {@code "1,100,1000"} (underscores allowed: {@code 10_000}). */
  public static List<Integer> parseCounts(String csv) {
    return Arrays.stream(csv.split(","))
        .filter(s -> !s.isBlank())
        .map(s -> Integer.parseInt(s.trim().replace("_", "")))
        .toList();
  }

  public BenchOptions withConnections(List<Integer> value) {
    return new BenchOptions(
        models,
        scenarios,
        value,
        duration,
        warmup,
        rounds,
        out,
        pin,
        rates,
        senders,
        loadThreads,
        nodes,
        bus);
  }

  public BenchOptions withTiming(Duration newDuration, Duration newWarmup, int newRounds) {
    return new BenchOptions(
        models,
        scenarios,
        connections,
        newDuration,
        newWarmup,
        newRounds,
        out,
        pin,
        rates,
        senders,
        loadThreads,
        nodes,
        bus);
  }

  public BenchOptions withOut(Path value) {
    return new BenchOptions(
        models,
        scenarios,
        connections,
        duration,
        warmup,
        rounds,
        value,
        pin,
        rates,
        senders,
        loadThreads,
        nodes,
        bus);
  }

  public BenchOptions withPin(boolean value) {
    return new BenchOptions(
        models,
        scenarios,
        connections,
        duration,
        warmup,
        rounds,
        out,
        value,
        rates,
        senders,
        loadThreads,
        nodes,
        bus);
  }

  public BenchOptions withFanout(List<Integer> newRates, int newSenders) {
    return new BenchOptions(
        models,
        scenarios,
        connections,
        duration,
        warmup,
        rounds,
        out,
        pin,
        newRates,
        newSenders,
        loadThreads,
        nodes,
        bus);
  }

  public BenchOptions withLoadThreads(int value) {
    return new BenchOptions(
        models,
        scenarios,
        connections,
        duration,
        warmup,
        rounds,
        out,
        pin,
        rates,
        senders,
        value,
        nodes,
        bus);
  }

  /** The fan-out spread over {@code value} nodes, sharing {@code redis} (null: the bench's own). */
  public BenchOptions withNodes(int value, String redis) {
    return new BenchOptions(
        models,
        scenarios,
        connections,
        duration,
        warmup,
        rounds,
        out,
        pin,
        rates,
        senders,
        loadThreads,
        value,
        redis);
  }

  /** How long each trial of {@code scenario} measures. */
  public Duration durationFor(Scenario scenario) {
    return duration == null ? scenario.defaultDuration() : duration;
  }

  /** The files the http scenario fetches: a small page and a large download. */
  public static final List<Integer> HTTP_FILE_SIZES = List.of(1024, 1 << 20);

  /**
   * The points a scenario visits: its connection counts, times the rates for fanout and soak, and
   * the file sizes for http.
   */
  public List<Point> points(Scenario scenario) {
    List<Integer> counts = connections.isEmpty() ? scenario.defaultConnections() : connections;
    List<Point> points = new ArrayList<>();
    for (int count : counts) {
      if (scenario.hasRate()) {
        rates.forEach(rate -> points.add(new Point(count, rate)));
      } else if (scenario == Scenario.HTTP) {
        HTTP_FILE_SIZES.forEach(size -> points.add(new Point(count, 0, size)));
      } else {
        points.add(new Point(count, 0));
      }
    }
    return points;
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException(message);
    }
  }
}
