package io.switchboard.cli;

import io.switchboard.cli.prefork.Lifeline;
import io.switchboard.cli.prefork.PortReservation;
import io.switchboard.cli.prefork.Supervisor;
import io.switchboard.cli.prefork.WorkerCommand;
import io.switchboard.engine.Application;
import io.switchboard.engine.Engine;
import io.switchboard.engine.Limits;
import io.switchboard.engine.Server;
import io.switchboard.engine.ServerStats;
import io.switchboard.engine.spi.AbstractServer;
import io.switchboard.engine.spi.EngineOptions;
import io.switchboard.engine.spi.EngineProvider;
import io.switchboard.engine.spi.Engines;
import io.switchboard.engine.spi.TerminationHook;
import io.switchboard.http.BuiltInSite;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;

/** {@code switchboard serve}: runs one app on one model until Ctrl-C or SIGTERM. */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
      "Serve an app (default: the chat hub) on one IO model.",
      "",
      "Runs until Ctrl-C (SIGINT) or SIGTERM, then shuts down gracefully: stops accepting, lets"
          + " queued output drain (up to --shutdown-deadline), closes, and exits 0. Every option"
          + " may also be set in a file (--config FILE, its name without the dashes: model ="
          + " reactor); a flag wins over the file. --check validates the options and prints the"
          + " settings in effect without serving.",
      "",
    },
    footerHeading = "%nModels (--model):%n",
    footer = {
      "${MODELS}",
      "Examples:",
      "  switchboard serve         (the chat hub on port 7000)",
      "  switchboard chat 127.0.0.1:7000 --name alice",
      "  switchboard serve --app chat --web-port 8080   (the chat page for browsers too)",
      "  switchboard serve --app echo --model virtual --port 7000",
      "  switchboard serve --app upper --model select --selector poll --port 0",
      "  switchboard serve --app echo --model select --processes 4 --port 7000",
      "  switchboard serve --app chat --bus redis://127.0.0.1:6379 --processes 2",
      "  switchboard serve --app http --model reactor --port 8080 --root ./site --listing",
      "Then connect with: nc 127.0.0.1 7000",
    })
final class ServeCommand implements Callable<Integer> {

  /** The models on the class path with their one-line summaries, for the help footer. */
  static String modelList() {
    StringBuilder list = new StringBuilder();
    for (EngineProvider provider : Engines.all()) {
      list.append(String.format("  %-10s %s%n", provider.model(), provider.summary()));
    }
    return list.toString();
  }

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--app",
      paramLabel = "APP",
      defaultValue = Apps.DEFAULT,
      description =
          "Application to serve: chat (the chat hub), files (FTP, needs --root), http (the web"
              + " server), echo, upper, ack, pid (default: ${DEFAULT-VALUE}).")
  String app;

  @Option(
      names = "--model",
      paramLabel = "MODEL",
      defaultValue = "virtual",
      description = "IO model (default: ${DEFAULT-VALUE}); see the list below.")
  String model;

  @Option(
      names = "--host",
      defaultValue = "127.0.0.1",
      description = "Address to bind (default: ${DEFAULT-VALUE}; 0.0.0.0 for every interface).")
  String host;

  @Option(
      names = {"-p", "--port"},
      defaultValue = "7000",
      description = "Port to bind; 0 picks a free one and prints it (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(
      names = "--threads",
      paramLabel = "N",
      description =
          "Worker or event-loop threads, for pool, reactor, epoll, aio and netty (default: the model's"
              + " own: 2 x cores for pool, cores for the others).")
  Integer threads;

  @Option(
      names = "--selector",
      paramLabel = "epoll|poll",
      description = "Selector provider for the select and reactor models (default: epoll).")
  String selector;

  @Option(
      names = "--transport",
      paramLabel = "auto|nio|epoll|io_uring",
      description = "Netty transport (default: auto, the best available here).")
  String transport;

  @Option(
      names = "--trigger",
      paramLabel = "edge|level",
      description =
          "How the epoll model's loops hear of ready sockets: edge (the default; once per"
              + " arrival of input) or level (on every wait while ready, as the JDK's selector).")
  String trigger;

  @Option(
      names = "--max-connections",
      defaultValue = "10000",
      description =
          "Connections served at once; one more is refused with a one-line error "
              + "(default: ${DEFAULT-VALUE}).")
  int maxConnections;

  @Option(
      names = "--idle-timeout",
      paramLabel = "SECONDS",
      description =
          "Close a connection silent (no byte either way) for this long; 0 = never "
              + "(default: the app's: off for chat, where people sit quietly in rooms; 300 for the "
              + "others).")
  Long idleTimeoutSeconds;

  @Option(
      names = "--max-line",
      paramLabel = "BYTES",
      description =
          "Longest line (or request head) accepted; a longer one gets an error and the"
              + " connection is closed (default: the app's: 2000 for chat, 65536 for the others).")
  Integer maxLine;

  @Option(
      names = "--frame-timeout",
      paramLabel = "SECONDS",
      defaultValue = "30",
      description =
          "Close a connection that began a line (or a request) and has not finished it after"
              + " this long: a client trickling a byte at a time cannot hold a place; 0 = never"
              + " (default: ${DEFAULT-VALUE}).")
  long frameTimeoutSeconds;

  @Option(
      names = "--close-timeout",
      paramLabel = "SECONDS",
      defaultValue = "10",
      description =
          "Abort a closing connection whose queued output makes no progress for this long (the"
              + " peer reads nothing) (default: ${DEFAULT-VALUE}).")
  long closeTimeoutSeconds;

  @Option(
      names = "--root",
      paramLabel = "DIR",
      description =
          "The directory an app serves: files (FTP) serves and stores files under it; http"
              + " serves it (default for http: a small built-in site).")
  Path root;

  /** The chat hub's options ({@code --chat-...}). */
  @Mixin ChatOptions chat = new ChatOptions();

  /** The file server's options ({@code --users}, {@code --anonymous}, ...). */
  @Mixin FilesOptions files = new FilesOptions();

  /** The web server's options ({@code --listing}, {@code --worker-...}). */
  @Mixin HttpOptions http = new HttpOptions();

  @Option(
      names = "--metrics-port",
      paramLabel = "PORT",
      description =
          "Serve Prometheus metrics at http://HOST:PORT/metrics (connections, bytes, frames,"
              + " queues, drops, the app's own and the JVM's; default: off). With --processes N,"
              + " worker I serves them on PORT+I.")
  Integer metricsPort;

  /** {@code --log-level}, {@code --log-format}. */
  @Mixin LoggingOptions logging = new LoggingOptions();

  @Option(
      names = "--shutdown-deadline",
      defaultValue = "5",
      paramLabel = "SECONDS",
      description = "How long shutdown lets queued output drain (default: ${DEFAULT-VALUE}).")
  long shutdownSeconds;

  @Option(
      names = "--processes",
      paramLabel = "N",
      description =
          "Run N worker processes that share the port (SO_REUSEPORT, Linux), under a "
              + "supervisor that restarts a worker that dies (default: serve in this process). "
              + "Port 0 picks one free port for all. Not for apps whose connections share state;"
              + " chat runs so with --bus, every worker a node of the shared hub.")
  Integer processes;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description =
          "Read settings from FILE (properties: an option's name without the dashes, = its"
              + " value); flags on the command line win.")
  Path config;

  @Option(
      names = "--check",
      description =
          "Validate the options (and the --config file), print the settings in effect and where"
              + " each came from, and exit: 0 when they are valid, 2 when not. Serves nothing.")
  boolean check;

  /** Set by the supervisor on the workers it starts: bind with SO_REUSEPORT, die with it. */
  @Option(names = "--worker-index", hidden = true)
  Integer workerIndex;

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    PrintWriter out = spec.commandLine().getOut();
    logging.apply(workerIndex);
    EngineProvider provider;
    try {
      provider = validate();
      if (check) {
        try {
          Apps.named(app, this); // what the app itself checks: files' users file, http's root, ...
          Apps.endpoints(app, this);
        } finally {
          chat.leaveBus(); // with --bus, Redis answered: the check joined the hub, and leaves it
        }
        printSettings(out, provider);
        return 0;
      }
    } catch (IllegalArgumentException e) {
      err.println("switchboard serve: " + e.getMessage());
      return 2;
    }
    if (processes != null) {
      return supervise(out, err, provider);
    }
    List<Serving> serving = new ArrayList<>();
    String binding = "--port";
    int bindingPort = port;
    try {
      Application<?> application = Apps.named(app, this);
      Limits limits =
          Limits.DEFAULT
              .withMaxConnections(maxConnections)
              .withIdleTimeout(
                  idleTimeoutSeconds == null
                      ? Apps.idleTimeout(app)
                      : Duration.ofSeconds(idleTimeoutSeconds))
              .withFrameTimeout(Duration.ofSeconds(frameTimeoutSeconds))
              .withCloseTimeout(Duration.ofSeconds(closeTimeoutSeconds))
              .withMaxFrameLength(maxLine())
              .withShutdownDeadline(Duration.ofSeconds(shutdownSeconds));
      List<Endpoint> endpoints = Apps.endpoints(app, this);
      serving.add(
          new Serving(
              app,
              provider.create(engineOptions()).start(address(port), application, limits),
              hostPort -> Apps.hints(app, hostPort)));
      for (Endpoint endpoint : endpoints) {
        binding = "--" + endpoint.name() + "-port";
        bindingPort = endpoint.port();
        Server server =
            provider
                .create(engineOptions())
                .start(address(endpoint.port()), endpoint.application(), limits);
        serving.add(new Serving(endpoint.name(), server, endpoint.hints()));
      }
    } catch (IllegalArgumentException e) {
      stopAll(serving);
      err.println("switchboard serve: " + e.getMessage());
      return 2;
    } catch (BindException e) {
      stopAll(serving);
      err.println(
          "switchboard serve: cannot listen on "
              + host
              + ":"
              + bindingPort
              + ": "
              + e.getMessage()
              + " (is another server running? pick another "
              + binding
              + ", or 0 for any)");
      return 1;
    } catch (IOException e) {
      stopAll(serving);
      err.println("switchboard serve: " + e);
      return 1;
    }
    Metrics metrics = null;
    if (metricsPort != null) {
      int at = metricsPort + (workerIndex == null ? 0 : workerIndex);
      Map<String, ServerStats> stats = new LinkedHashMap<>();
      serving.forEach(s -> stats.put(s.name(), s.server().stats()));
      try {
        metrics = Metrics.serve(address(at), app, provider.model(), stats, Apps.meters(app, this));
      } catch (IOException e) {
        err.println(
            "switchboard serve: cannot serve metrics on "
                + host
                + ":"
                + at
                + ": "
                + e.getMessage()
                + " (pick another --metrics-port)");
        stopAll(serving);
        return 1;
      }
    }
    Server main = serving.get(0).server();
    if (workerIndex != null) {
      // One line, the one the supervisor waits for; the user hears from the supervisor.
      out.printf(
          "%s on %s listening on %s%n",
          app, provider.model(), AbstractServer.hostAndPort(main.localAddress()));
      out.flush();
      Lifeline.watch(() -> System.exit(0));
    } else {
      printBanner(
          out, provider.model(), main.localAddress(), metrics, serving.subList(1, serving.size()));
    }
    TerminationHook.serveUntilTerminated(
        serving.stream().map(Serving::server).toList(),
        () -> {
          chat.leaveBus();
          BuiltInSite.removeExtracted(); // the hook halts the JVM: no deleteOnExit after it
        });
    return 0; // not reached: the hook ends the process
  }

  /** The model options of serve, by flag: which {@link EngineProvider#options()} name each is. */
  private static final Map<String, String> MODEL_OPTIONS =
      Map.of(
          "--threads", EngineOptions.THREADS,
          "--selector", EngineOptions.SELECTOR,
          "--transport", EngineOptions.TRANSPORT,
          "--trigger", EngineOptions.TRIGGER);

  /**
   * Which apps read an app option: the options of an app's mixin belong to the app of that name
   * (the field {@code chat} to {@code --app chat}); {@code --root} to the apps that serve a
   * directory.
   */
  private Map<String, List<String>> appOptions() {
    Map<String, List<String>> owners = new LinkedHashMap<>();
    spec.mixins()
        .forEach(
            (mixin, options) -> {
              if (Apps.exists(mixin)) {
                options.options().forEach(o -> owners.put(o.longestName(), List.of(mixin)));
              }
            });
    owners.put("--root", List.of("files", "http"));
    return owners;
  }

  /** The option set on the command line, or by the --config file. */
  private boolean given(OptionSpec option) {
    ConfigFile file = spec.defaultValueProvider() instanceof ConfigFile config ? config : null;
    return spec.commandLine().getParseResult().hasMatchedOption(option)
        || (file != null && file.sets(option));
  }

  /**
   * Checks every option against its rule and where it applies, before anything is started, and says
   * what is wrong in the words of the command line.
   *
   * @return the model
   * @throws IllegalArgumentException naming the flag and the rule broken
   */
  private EngineProvider validate() {
    EngineProvider provider = Engines.named(model);
    Apps.check(app);
    OptionChecks.port("--port", port);
    if (threads != null) {
      OptionChecks.atLeast("--threads", threads, 1);
    }
    OptionChecks.atLeast("--max-connections", maxConnections, 1);
    if (idleTimeoutSeconds != null) {
      OptionChecks.atLeast("--idle-timeout", idleTimeoutSeconds, 0);
    }
    if (maxLine != null) {
      OptionChecks.atLeast("--max-line", maxLine, 1);
    }
    OptionChecks.atLeast("--frame-timeout", frameTimeoutSeconds, 0);
    OptionChecks.atLeast("--close-timeout", closeTimeoutSeconds, 1);
    OptionChecks.atLeast("--shutdown-deadline", shutdownSeconds, 0);
    if (processes != null) {
      OptionChecks.atLeast("--processes", processes, 1);
    }
    if (metricsPort != null) {
      OptionChecks.port("--metrics-port", metricsPort);
    }
    Map<String, List<String>> appOptions = appOptions();
    for (OptionSpec option : spec.options()) {
      if (!given(option)) {
        continue;
      }
      String name = option.longestName();
      String modelOption = MODEL_OPTIONS.get(name);
      if (modelOption != null && !provider.options().contains(modelOption)) {
        throw new IllegalArgumentException(
            name
                + " does not apply to the "
                + provider.model()
                + " model; it applies to "
                + Engines.all().stream()
                    .filter(p -> p.options().contains(modelOption))
                    .map(EngineProvider::model)
                    .collect(Collectors.joining(", ")));
      }
      List<String> apps = appOptions.get(name);
      if (apps != null && !apps.contains(app)) {
        throw new IllegalArgumentException(
            name
                + " applies to --app "
                + String.join(" and --app ", apps)
                + " only, not to --app "
                + app);
      }
    }
    chat.validate();
    files.validate();
    http.validate();
    return provider;
  }

  /** The longest line the app takes: {@code --max-line}, or the app's own default. */
  int maxLine() {
    return maxLine != null ? maxLine : Apps.maxLine(app);
  }

  /**
   * {@code --check}: the settings in effect, one per line, each with where it came from (a flag,
   * the --config file, or the default), for the options that concern this app and model.
   */
  private void printSettings(PrintWriter out, EngineProvider provider) {
    Map<String, List<String>> appOptions = appOptions();
    ConfigFile file = spec.defaultValueProvider() instanceof ConfigFile config ? config : null;
    out.printf(
        "settings of serve%s:%n", file == null ? "" : " (with the file " + file.path() + ")");
    for (OptionSpec option : spec.options()) {
      String name = option.longestName();
      if (option.hidden()
          || option.usageHelp()
          || option.versionHelp()
          || name.equals("--check")
          || (appOptions.containsKey(name) && !appOptions.get(name).contains(app))
          || (MODEL_OPTIONS.containsKey(name)
              && !provider.options().contains(MODEL_OPTIONS.get(name)))) {
        continue;
      }
      Object value = option.getValue();
      String from =
          spec.commandLine().getParseResult().hasMatchedOption(option)
              ? "flag"
              : file != null && file.sets(option) ? "config" : "default";
      String shown =
          switch (name) {
            case "--model" -> provider.model();
            case "--max-line" -> Integer.toString(maxLine());
            case "--idle-timeout" ->
                value != null
                    ? value.toString()
                    : Apps.idleTimeout(app).toSeconds() + " (the app's; 0 = off)";
            case "--threads" -> value == null ? "the model's default" : value.toString();
            default -> value == null ? "off" : value.toString();
          };
      out.printf("  %-28s %-24s (%s)%n", ConfigFile.key(option), shown, from);
    }
    out.printf("switchboard serve: the settings are valid%n");
    out.flush();
  }

  /** One port being served: its name (the app's, or an endpoint's), its server, its hints. */
  private record Serving(String name, Server server, Function<String, List<String>> hints) {}

  private void stopAll(List<Serving> serving) {
    for (Serving s : serving) {
      s.server().shutdown();
    }
    chat.leaveBus();
  }

  /** {@code --processes N}: this process supervises N workers and serves nobody itself. */
  private int supervise(PrintWriter out, PrintWriter err, EngineProvider provider) {
    try {
      if (app.equals("chat") && !chat.shared()) {
        err.println(
            "switchboard serve: the chat hub's rooms and names live in one process, so it cannot"
                + " run with --processes alone; add --bus redis://HOST:PORT to share the hub"
                + " through Redis (every worker is then a node of it), or leave out --processes");
        return 2;
      }
      if (Apps.sharesState(app) && !app.equals("chat")) {
        err.println(
            "switchboard serve: the "
                + app
                + " app keeps state that all its connections"
                + " share, and separate processes share no memory, so it cannot run with"
                + " --processes; serve it in one process (leave out --processes)");
        return 2;
      }
      try (PortReservation reserved = PortReservation.of(address(port))) {
        WorkerCommand command =
            WorkerCommand.of(
                spec.commandLine().getParseResult(), Main.class.getName(), reserved.port());
        String description = provider.model() + " in " + processes + " processes";
        return new Supervisor(
                processes,
                command::forWorker,
                Duration.ofSeconds(shutdownSeconds),
                out,
                err,
                () -> printBanner(out, description, address(reserved.port()), null, List.of()))
            .run();
      }
    } catch (IllegalArgumentException e) {
      err.println("switchboard serve: " + e.getMessage());
      return 2;
    } catch (IOException e) {
      err.println("switchboard serve: cannot reserve a port on " + host + ": " + e.getMessage());
      return 1;
    }
  }

  private InetSocketAddress address(int port) {
    try {
      return new InetSocketAddress(InetAddress.getByName(host), port);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("unknown --host '" + host + "'", e);
    }
  }

  /**
   * The few lines a person needs: where the server listens, how to connect, how to stop it; then
   * each other port the app listens on ({@link Endpoint}) with its own hints. A server bound to
   * every interface (0.0.0.0) is reached from this machine at 127.0.0.1, so the hints use that and
   * say how to reach it from elsewhere.
   */
  private void printBanner(
      PrintWriter out,
      String description,
      InetSocketAddress bound,
      Metrics metrics,
      List<Serving> others) {
    boolean everywhere = bound.getAddress().isAnyLocalAddress();
    out.printf(
        "%s on %s listening on %s%s%n",
        app, description, shown(bound), everywhere ? " (every interface)" : "");
    printHints(out, reach(bound), hostPort -> Apps.hints(app, hostPort));
    for (Serving other : others) {
      InetSocketAddress at = other.server().localAddress();
      out.printf("  %s listening on %s%n", other.name(), shown(at));
      printHints(out, reach(at), other.hints());
    }
    if (everywhere) {
      out.printf("  (from another machine, use this machine's address instead of 127.0.0.1)%n");
    }
    if (metrics != null) {
      out.printf("  metrics at:    http://%s/metrics%n", shown(metrics.address()));
    }
    out.printf("  stop with:     Ctrl-C%n");
    out.flush();
  }

  private static void printHints(
      PrintWriter out, String hostPort, Function<String, List<String>> hints) {
    String label = "  connect with:  ";
    for (String hint : hints.apply(hostPort)) {
      out.printf("%s%s%n", label, hint);
      label = "            or:  ";
    }
  }

  /** {@code HOST:PORT} a client on this machine connects to. */
  private static String reach(InetSocketAddress bound) {
    return (bound.getAddress().isAnyLocalAddress()
                ? InetAddress.getLoopbackAddress()
                : bound.getAddress())
            .getHostAddress()
        + ":"
        + bound.getPort();
  }

  /**
   * Engines for the file server's passive data servers: the same model and options, one thread (a
   * data server serves one connection), and never {@code SO_REUSEPORT}: with {@code --processes}
   * each worker binds its own data ports, and a shared one could hand a transfer to another worker.
   */
  Supplier<Engine> dataEngines() {
    EngineProvider provider = Engines.named(model);
    EngineOptions options = engineOptions().withThreads(1).withReusePort(false);
    return () -> provider.create(options);
  }

  /**
   * An address as the user wrote it: the JDK reports a listener bound to 0.0.0.0 as the IPv6
   * wildcard, which nobody typed.
   */
  private String shown(InetSocketAddress address) {
    return address.getAddress().isAnyLocalAddress()
        ? host + ":" + address.getPort()
        : AbstractServer.hostAndPort(address);
  }

  private EngineOptions engineOptions() {
    EngineOptions options = EngineOptions.DEFAULT.withThreads(threads == null ? 0 : threads);
    if (workerIndex != null) {
      options = options.withReusePort(true);
    }
    if (selector != null) {
      options = options.with(EngineOptions.SELECTOR, selector);
    }
    if (transport != null) {
      options = options.with(EngineOptions.TRANSPORT, transport);
    }
    if (trigger != null) {
      options = options.with(EngineOptions.TRIGGER, trigger);
    }
    return options;
  }
}
