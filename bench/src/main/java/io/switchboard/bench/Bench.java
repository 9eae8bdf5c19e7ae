package io.switchboard.bench;

import io.switchboard.cluster.RedisServer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a benchmark: for every scenario and point, {@code rounds} rounds in which every model runs
 * once, in turn (A B C, A B C, ...), so drift of the machine (heat, other load) falls on all of
 * them alike. Each trial starts a fresh server process, measures it from outside and stops it. At
 * the end it prints the table and writes the JSON report and the charts.
 *
 * <p>Thread contract: {@link #run} drives everything from the calling thread; the load generator
 * has its own threads. One run at a time per instance.
 */
public final class Bench {
  /** A server that has not printed its listening line by then is reported as failed. */
  private static final Duration SERVER_START = Duration.ofSeconds(30);

  private final BenchOptions options;
  private final ServerLauncher launcher;
  private final Progress progress;
  private final PrintStream terminal;

  /** The files the http scenarios fetch, while a run that has them is in progress. */
  private HttpSite site;

  /**
   * @param terminal where the result table goes
   * @param progress where the progress line goes (typically the same terminal)
   */
  public Bench(
      BenchOptions options, ServerLauncher launcher, PrintStream terminal, Progress progress) {
    this.options = options;
    this.launcher = launcher;
    this.terminal = terminal;
    this.progress = progress;
  }

  /** The usual set-up: table and progress line on {@code terminal}. */
  public Bench(BenchOptions options, ServerLauncher launcher, PrintStream terminal) {
    this(options, launcher, terminal, Progress.to(terminal));
  }

  /** Runs every trial, then prints the table and writes {@code report.json} and the charts. */
  public BenchReport run() throws IOException, InterruptedException {
    BenchReport report = measure();
    terminal.print(report.table());
    report.writeJson(options.out().resolve("report.json"));
    List<java.nio.file.Path> charts = Charts.write(report, options.out());
    terminal.println("report: " + options.out().resolve("report.json"));
    charts.forEach(chart -> terminal.println("chart:  " + chart));
    return report;
  }

  /** Runs every trial and returns the results; writes nothing. */
  public BenchReport measure() throws IOException, InterruptedException {
    for (ModelSpec model : options.models()) {
      ReferenceServer.named(model.model())
          .filter(reference -> !reference.installed())
          .ifPresent(reference -> progress.log(reference.missing()));
    }
    List<Job> jobs = jobs();
    List<Sample> samples = new ArrayList<>();
    site = options.scenarios().stream().anyMatch(Scenario::http) ? HttpSite.create() : null;
    Pinning pinning = options.pin() ? Pinning.apply(progress) : Pinning.NONE;
    Instant started = Instant.now();
    long startNanos = System.nanoTime();
    try (LoadGenerator load = new LoadGenerator(options.loadThreads())) {
      for (int i = 0; i < jobs.size(); i++) {
        Job job = jobs.get(i);
        String where =
            String.format(
                "[%d/%d%s] %s %s · %s · round %d/%d",
                i + 1,
                jobs.size(),
                left(startNanos, i, jobs.size()),
                job.scenario.key(),
                job.point.label(),
                job.label(),
                job.round,
                options.rounds());
        Measurement measurement =
            runOne(job, load, pinning, phase -> progress.show(where + " · " + phase));
        samples.add(new Sample(job.scenario, job.point, job.label(), job.round, measurement));
        progress.log(summary(job, measurement));
      }
    } finally {
      pinning.undo();
      progress.done();
      if (site != null) {
        site.close();
      }
    }
    return new BenchReport(options, machine(), started, samples);
  }

  private Measurement runOne(
      Job job, LoadGenerator load, Pinning pinning, java.util.function.Consumer<String> status)
      throws InterruptedException {
    status.accept("starting server");
    java.nio.file.Path served = null;
    try {
      if (job.scenario == Scenario.FTP_GET) {
        served = FtpGetScenario.servedDirectory();
      }
      java.nio.file.Path root = job.scenario.http() ? site.root() : served;
      var reference = ReferenceServer.named(job.model.model());
      if (reference.isPresent()) {
        try (ReferenceServer.Running server = reference.get().start(root, pinning.serverCpus())) {
          return measure(job, load, server, status);
        }
      }
      // The storm needs exactly its places; the others room for every client they open.
      int maxConnections =
          job.scenario == Scenario.STORM
              ? job.point.connections()
              : job.point.connections() + options.senders() + 1_000;
      List<String> appArgs =
          switch (job.scenario) {
            case FANOUT -> FanoutScenario.serverArgs(job.point, options.senders());
            case FTP_GET -> FtpGetScenario.serverArgs(served);
            case STORM -> StormScenario.serverArgs();
            case SOAK -> SoakScenario.serverArgs(job.point);
            case HTTP, HTTP_CPU -> List.of("--root", site.root().toString());
            default -> List.of();
          };
      if (job.nodes == 2) {
        return measureOnTwoNodes(job, load, pinning, appArgs, maxConnections, status);
      }
      List<String> command =
          launcher.command(
              job.scenario.app(), job.model, appArgs, maxConnections, pinning.serverCpus());
      try (ServerProcess server = ServerProcess.start(command, SERVER_START)) {
        Measurement measurement = measure(job, load, server, status);
        if (!server.isAlive() && !server.wasStopped()) {
          return new Measurement(
              measurement.values(),
              "server died: " + server.lastOutput().lines().reduce((a, b) -> b).orElse(""));
        }
        status.accept("stopping server");
        return measurement;
      }
    } catch (IOException e) {
      return Measurement.failed(e.getMessage());
    } finally {
      if (served != null) {
        try {
          FtpGetScenario.remove(served);
        } catch (IOException e) {
          progress.log("could not remove " + served + ": " + e.getMessage());
        }
      }
    }
  }

  /**
   * The fan-out on the hub spread over two nodes sharing one Redis: {@code --bus}'s, or a {@code
   * redis-server} started for this trial alone (so no trial sees another's rooms).
   */
  private Measurement measureOnTwoNodes(
      Job job,
      LoadGenerator load,
      Pinning pinning,
      List<String> appArgs,
      int maxConnections,
      java.util.function.Consumer<String> status)
      throws IOException, InterruptedException {
    status.accept("starting redis-server");
    try (RedisServer own = options.bus() == null ? RedisServer.start() : null) {
      List<String> args = new ArrayList<>(appArgs);
      args.addAll(List.of("--bus", own == null ? options.bus() : own.uri()));
      status.accept("starting two nodes");
      List<String> command =
          launcher.command(
              job.scenario.app(), job.model, args, maxConnections, pinning.serverCpus());
      try (ServerProcess receivers = ServerProcess.start(command, SERVER_START);
          ServerProcess senders = ServerProcess.start(command, SERVER_START)) {
        NodePair nodes = new NodePair(receivers, senders);
        Measurement measurement = measure(job, load, nodes, status);
        if (!nodes.healthy()) {
          return new Measurement(
              measurement.values(),
              "a node died: " + nodes.lastOutput().lines().reduce((a, b) -> b).orElse(""));
        }
        status.accept("stopping the nodes");
        return measurement;
      }
    }
  }

  private Measurement measure(
      Job job,
      LoadGenerator load,
      ServerUnderTest server,
      java.util.function.Consumer<String> status)
      throws IOException, InterruptedException {
    Trial trial = new Trial(options, job.scenario, job.point, job.model, server, load, status);
    return switch (job.scenario) {
      case ECHO -> EchoScenario.run(trial);
      case IDLE -> IdleScenario.run(trial);
      case CONNECT -> ConnectScenario.run(trial);
      case FANOUT -> FanoutScenario.run(trial);
      case FTP_GET -> FtpGetScenario.run(trial);
      case STORM -> StormScenario.run(trial);
      case SOAK -> SoakScenario.run(trial);
      case HTTP, HTTP_CPU -> HttpScenario.run(trial);
    };
  }

  /** Rounds outside, models inside: A B C, A B C, ... for each scenario and point. */
  private List<Job> jobs() {
    List<Job> jobs = new ArrayList<>();
    for (Scenario scenario : options.scenarios()) {
      List<ModelSpec> models = modelsFor(scenario);
      for (Point point : options.points(scenario)) {
        for (int round = 1; round <= options.rounds(); round++) {
          for (ModelSpec model : models) {
            var reference = ReferenceServer.named(model.model());
            // A reference stands in for some scenarios only, and only where it is installed.
            if (reference.isEmpty()
                || (reference.get().serves(scenario) && reference.get().installed())) {
              jobs.add(new Job(scenario, point, model, round, 1));
              if (scenario == Scenario.FANOUT && options.nodes() == 2 && reference.isEmpty()) {
                jobs.add(new Job(scenario, point, model, round, 2)); // the same, spread
              }
            }
          }
        }
      }
    }
    return jobs;
  }

  /**
   * The models a scenario measures: in {@code http-cpu} each model twice, as given and with the
   * worker pool ({@code worker-threads}), unless the spec already says; elsewhere as given.
   */
  private List<ModelSpec> modelsFor(Scenario scenario) {
    List<ModelSpec> models = new ArrayList<>();
    for (ModelSpec model : options.models()) {
      models.add(model);
      if (scenario == Scenario.HTTP_CPU
          && !model.isReference()
          && !model.options().containsKey(WORKER_THREADS)) {
        models.add(model.with(WORKER_THREADS, Integer.toString(HTTP_CPU_WORKERS)));
      }
    }
    return models;
  }

  /** The {@code serve} option that turns the http app's worker pool on. */
  static final String WORKER_THREADS = "worker-threads";

  /** The pool {@code http-cpu} adds: as many workers as the machine has cores. */
  static final int HTTP_CPU_WORKERS = Runtime.getRuntime().availableProcessors();

  /** One trial: a scenario at a point on a model, on one node or spread over {@code nodes}. */
  private record Job(Scenario scenario, Point point, ModelSpec model, int round, int nodes) {
    /** The model's label, and "2 nodes" for the spread hub: its own series in tables and charts. */
    String label() {
      return nodes == 1 ? model.label() : model.label() + " 2 nodes";
    }
  }

  private static String left(long startNanos, int done, int total) {
    if (done == 0) {
      return "";
    }
    long perJob = (System.nanoTime() - startNanos) / done;
    long seconds = perJob * (total - done) / 1_000_000_000L;
    return String.format(" · ~%dm%02ds left", seconds / 60, seconds % 60);
  }

  private static String summary(Job job, Measurement m) {
    StringBuilder line =
        new StringBuilder(
            String.format(
                "%-8s %-14s %-24s r%d ",
                job.scenario.key(), job.point.label(), job.label(), job.round));
    List<Metric> shown = job.scenario.shown();
    for (Metric metric : shown.subList(0, Math.min(3, shown.size()))) {
      Double value = m.get(metric);
      if (value != null) {
        line.append(' ').append(metric.label()).append('=').append(BenchReport.format(value));
      }
    }
    if (!m.ok()) {
      line.append("  FAILED: ").append(m.error());
    }
    return line.toString();
  }

  /** What the report says about where it ran. */
  private static BenchReport.Machine machine() {
    String cpu = "unknown";
    try {
      cpu =
          java.nio.file.Files.readAllLines(
                  java.nio.file.Path.of("/proc/cpuinfo"), StandardCharsets.UTF_8)
              .stream()
              .filter(l -> l.startsWith("model name"))
              .map(l -> l.substring(l.indexOf(':') + 1).trim())
              .findFirst()
              .orElse(cpu);
    } catch (IOException e) {
      // not Linux: the model name is only informative
    }
    return new BenchReport.Machine(
        Runtime.getRuntime().availableProcessors(),
        cpu,
        System.getProperty("java.version"),
        System.getProperty("os.name") + " " + System.getProperty("os.version"));
  }
}
