package io.switchboard.bench;

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
                job.model.label(),
                job.round,
                options.rounds());
        Measurement measurement =
            runOne(job, load, pinning, phase -> progress.show(where + " · " + phase));
        samples.add(new Sample(job.scenario, job.point, job.model.label(), job.round, measurement));
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
    int maxConnections = job.point.connections() + options.senders() + 1_000;
    if (job.model.model().equals(NginxServer.MODEL)) {
      try (NginxServer nginx =
          NginxServer.start(site.root(), maxConnections, pinning.serverCpus())) {
        Trial trial = new Trial(options, job.scenario, job.point, job.model, nginx, load, status);
        Measurement measurement = HttpScenario.run(trial);
        return nginx.isAlive() ? measurement : measurement.withError("nginx died");
      } catch (IOException e) {
        return Measurement.failed(e.getMessage());
      }
    }
    List<String> appArgs =
        switch (job.scenario) {
          case FANOUT -> FanoutScenario.serverArgs(job.point, options.senders());
          case HTTP, HTTP_CPU -> List.of("--root", site.root().toString());
          default -> List.of();
        };
    List<String> command =
        launcher.command(
            job.scenario.app(), job.model, appArgs, maxConnections, pinning.serverCpus());
    try (ServerProcess server = ServerProcess.start(command, SERVER_START)) {
      Trial trial = new Trial(options, job.scenario, job.point, job.model, server, load, status);
      Measurement measurement =
          switch (job.scenario) {
            case ECHO -> EchoScenario.run(trial);
            case IDLE -> IdleScenario.run(trial);
            case CONNECT -> ConnectScenario.run(trial);
            case FANOUT -> FanoutScenario.run(trial);
            case HTTP, HTTP_CPU -> HttpScenario.run(trial);
          };
      if (!server.isAlive()) {
        return new Measurement(
            measurement.values(),
            "server died: " + server.lastOutput().lines().reduce((a, b) -> b).orElse(""));
      }
      status.accept("stopping server");
      return measurement;
    } catch (IOException e) {
      return Measurement.failed(e.getMessage());
    }
  }

  /** Rounds outside, models inside: A B C, A B C, ... for each scenario and point. */
  private List<Job> jobs() {
    boolean nginxInstalled = NginxServer.binary() != null;
    if (!nginxInstalled && options.models().stream().anyMatch(Bench::isNginx)) {
      terminal.println("install nginx to compare (tools/ensure-packages tools/bench-packages)");
    }
    List<Job> jobs = new ArrayList<>();
    for (Scenario scenario : options.scenarios()) {
      List<ModelSpec> models = modelsFor(scenario, nginxInstalled);
      for (Point point : options.points(scenario)) {
        for (int round = 1; round <= options.rounds(); round++) {
          for (ModelSpec model : models) {
            jobs.add(new Job(scenario, point, model, round));
          }
        }
      }
    }
    return jobs;
  }

  /**
   * The servers a scenario measures: nginx only in {@code http} (it serves files, it has no
   * calculator) and only when installed; in {@code http-cpu} each model twice, as given and with
   * the worker pool ({@code worker-threads}), unless the spec already says.
   */
  private List<ModelSpec> modelsFor(Scenario scenario, boolean nginxInstalled) {
    List<ModelSpec> models = new ArrayList<>();
    for (ModelSpec model : options.models()) {
      if (isNginx(model)) {
        if (scenario == Scenario.HTTP && nginxInstalled) {
          models.add(model);
        }
        continue;
      }
      models.add(model);
      if (scenario == Scenario.HTTP_CPU && !model.options().containsKey(WORKER_THREADS)) {
        models.add(model.with(WORKER_THREADS, Integer.toString(HTTP_CPU_WORKERS)));
      }
    }
    return models;
  }

  /** The {@code serve} option that turns the http app's worker pool on. */
  static final String WORKER_THREADS = "worker-threads";

  /** The pool {@code http-cpu} adds: as many workers as the machine has cores. */
  static final int HTTP_CPU_WORKERS = Runtime.getRuntime().availableProcessors();

  private static boolean isNginx(ModelSpec model) {
    return model.model().equals(NginxServer.MODEL);
  }

  /**
   * True for a server that is not a switchboard model but a reference the bench starts itself
   * ({@code nginx}), which {@code --models} accepts too.
   */
  public static boolean isReferenceServer(ModelSpec model) {
    return isNginx(model);
  }

  private record Job(Scenario scenario, Point point, ModelSpec model, int round) {}

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
                job.scenario.key(), job.point.label(), job.model.label(), job.round));
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
