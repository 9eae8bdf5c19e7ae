package io.switchboard.cli;

import io.switchboard.bench.Bench;
import io.switchboard.bench.BenchOptions;
import io.switchboard.bench.BenchReport;
import io.switchboard.bench.ModelSpec;
import io.switchboard.bench.ServerLauncher;
import io.switchboard.engine.spi.Engines;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code switchboard bench}: every model side by side, each in its own server process. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = {
      "Measure the models side by side and draw the results.",
      "",
      "Each server runs as its own process (this jar's `serve`), driven by a built-in NIO load"
          + " generator; throughput, latency percentiles, and the server's CPU seconds, RSS and"
          + " threads (from /proc) are measured from outside. Models run in alternation over"
          + " --rounds; medians are reported, with each figure as a ratio to the best Netty"
          + " transport when netty is among the models. Reference servers run in the same"
          + " alternation where their scenario fits: c-epoll (a minimal C epoll echo, the"
          + " limit), nginx (http), vsftpd (ftp-get).",
      "",
      "Scenarios: echo (N connections ping-pong a 64-byte line), idle (hold N connections: RSS"
          + " and threads per connection), connect (connect, one round trip, close: conns/s),"
          + " fanout (the chat hub: receivers in one room, senders at a fixed total rate; with"
          + " --nodes 2 also on two nodes sharing one Redis, senders on one, receivers on the"
          + " other), storm"
          + " (the chat hub with N places: N + 20%% clients connect at once into the lobby while a"
          + " pair chats in another room; half leave at once; SIGTERM with the rest on), soak (N"
          + " chat sessions at a time connect, join, talk and quit at a steady total rate, for"
          + " minutes: the server's fds, threads, RSS and heap after GC, start and end), http"
          + " (the web server: kept-alive connections fetch a 1 KiB, then a 1 MiB file), http-cpu"
          + " (cheap requests' latency while heavy calculator requests run; each model with and"
          + " without --worker-threads), ftp-get (1 GiB downloads, 1 and 4 clients).",
      "",
      "Writes a table to the terminal, <out>/report.json and PNG charts in <out>.",
    },
    footer = {
      "",
      "Examples:",
      "  switchboard bench --models virtual,select,reactor,netty --scenario echo --pin",
      "  switchboard bench --models select:selector=poll,select:selector=epoll "
          + "--scenario echo --connections 1000",
      "  switchboard bench --models virtual,netty:transport=epoll --scenario idle "
          + "--connections 15000 --rounds 1",
      "  switchboard bench --models select,reactor --scenario storm --connections 10000 "
          + "--rounds 1",
      "  switchboard bench --models virtual --scenario soak --connections 200 --rate 2000 "
          + "--duration 10m --rounds 1",
      "  switchboard bench --models virtual,reactor --scenario fanout --nodes 2 "
          + "--connections 100 --rate 2000,8000",
      "  switchboard bench --models reactor,select,netty,nginx --scenario http --pin",
      "  switchboard bench --models select,reactor,netty,virtual --scenario http-cpu --pin",
    })
final class BenchCommand implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--models",
      required = true,
      paramLabel = "MODEL[:key=value],...",
      description =
          "Models to compare, with options: e.g. virtual,select:selector=poll,"
              + "netty:transport=epoll,reactor:threads=2.")
  String models;

  @Option(
      names = "--scenario",
      defaultValue = "echo",
      paramLabel = "NAME,...",
      description =
          "echo, idle, connect, fanout, storm, soak, http, http-cpu, ftp-get, or several"
              + " (default: ${DEFAULT-VALUE}).")
  String scenarios;

  @Option(
      names = "--connections",
      paramLabel = "N,...",
      description =
          "Connection counts (echo default 1,100,1000,10000; idle 15000; fanout "
              + "receivers 100,1000; storm: the server's places, 10000; soak: sessions at "
              + "a time, 200; http 100,1000; http-cpu 100).")
  String connections;

  @Option(
      names = "--duration",
      converter = DurationConverter.class,
      description =
          "Measured time per point and round (default: 10s; soak 3m; storm: how long the "
              + "crowd stays, 10s).")
  Duration duration;

  @Option(
      names = "--warmup",
      defaultValue = "5s",
      converter = DurationConverter.class,
      description = "Unmeasured time before each measurement (default: ${DEFAULT-VALUE}).")
  Duration warmup;

  @Option(
      names = "--rounds",
      defaultValue = "3",
      description = "Rounds; models alternate within each (default: ${DEFAULT-VALUE}).")
  int rounds;

  @Option(
      names = "--out",
      defaultValue = "bench-results",
      description = "Directory for report.json and charts (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(
      names = "--pin",
      description = "Pin the server to core 0 and the load generator to core 1 (taskset).")
  boolean pin;

  @Option(
      names = "--rate",
      defaultValue = "2000",
      paramLabel = "MSGS_PER_S,...",
      description = "fanout, soak: total send rates to try (default: ${DEFAULT-VALUE}).")
  String rates;

  @Option(
      names = "--senders",
      defaultValue = "10",
      description =
          "fanout: clients that send; the rate is split among them "
              + "(default: ${DEFAULT-VALUE}).")
  int senders;

  @Option(
      names = "--load-threads",
      defaultValue = "2",
      description = "The load generator's selector threads (default: ${DEFAULT-VALUE}).")
  int loadThreads;

  @Option(
      names = "--nodes",
      defaultValue = "1",
      paramLabel = "1|2",
      description =
          "fanout: 2 also measures the chat hub spread over two nodes sharing one Redis (senders on"
              + " one, receivers on the other), next to the same fan-out on one node"
              + " (default: ${DEFAULT-VALUE}).")
  int nodes;

  @Option(
      names = "--bus",
      paramLabel = "redis://HOST:PORT",
      description =
          "fanout with --nodes 2: the Redis the two nodes share (default: a redis-server the bench"
              + " starts on a free loopback port for each trial).")
  String bus;

  @Override
  public Integer call() throws IOException, InterruptedException {
    BenchOptions options;
    try {
      options =
          new BenchOptions(
              BenchOptions.parseModels(models),
              BenchOptions.parseScenarios(scenarios),
              connections == null ? List.of() : BenchOptions.parseCounts(connections),
              duration,
              warmup,
              rounds,
              out,
              pin,
              BenchOptions.parseCounts(rates),
              senders,
              loadThreads,
              nodes,
              bus);
      // Checked before anything runs: a typo found after an hour of measuring costs the hour.
      for (ModelSpec model : options.models()) {
        if (!model.isReference()) { // vsftpd, nginx: an external server, not one of our models
          Engines.named(model.model());
        }
      }
    } catch (IllegalArgumentException e) {
      spec.commandLine().getErr().println("switchboard bench: " + e.getMessage());
      return 2;
    }
    BenchReport report = new Bench(options, ServerLauncher.current(), System.out).run();
    if (!report.failures().isEmpty()) {
      spec.commandLine()
          .getErr()
          .printf(
              "switchboard bench: %d measurement(s) failed (listed under the table)%n",
              report.failures().size());
      return 1;
    }
    return 0;
  }

  /** Reads durations the way people write them: 500ms, 10s, 2m (or ISO-8601, PT10S). */
  static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      String text = value.trim().toLowerCase(java.util.Locale.ROOT);
      if (text.startsWith("pt")) {
        return Duration.parse(text);
      }
      if (text.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2)));
      }
      long amount = Long.parseLong(text.substring(0, text.length() - 1));
      return switch (text.charAt(text.length() - 1)) {
        case 's' -> Duration.ofSeconds(amount);
        case 'm' -> Duration.ofMinutes(amount);
        case 'h' -> Duration.ofHours(amount);
        default ->
            throw new CommandLine.TypeConversionException(
                "not a duration: '" + value + "' (try 500ms, 10s, 2m)");
      };
    }
  }
}
