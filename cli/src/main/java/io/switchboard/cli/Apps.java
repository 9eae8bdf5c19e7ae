package io.switchboard.cli;

import io.micrometer.core.instrument.binder.MeterBinder;
import io.switchboard.chat.ChatSettings;
import io.switchboard.engine.Application;
import io.switchboard.engine.Limits;
import io.switchboard.services.LineService;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The applications {@code serve} can run, by name: how each is made from the parsed command line
 * (an app with options of its own reads them from its mixin on {@link ServeCommand}, as chat reads
 * {@link ChatOptions}), whether its state is shared across connections (which decides if it can run
 * in several processes), and its idle timeout unless {@code --idle-timeout} says otherwise.
 *
 * <p>Thread contract: filled once when the class loads (tests may add an app before they run a
 * command); read on the main thread.
 */
final class Apps {
  private Apps() {}

  /** Whether one connection's doings must be seen by the others. */
  enum State {
    /** Each connection stands alone (echo): any number of processes can serve the app. */
    PER_CONNECTION,
    /**
     * Connections see each other (a chat room): every client must be served by the one process that
     * holds the state, so {@code --processes} is refused (chat runs in several processes only with
     * {@code --bus}, which keeps its state in Redis).
     */
    SHARED_ACROSS_CONNECTIONS
  }

  private record Entry(
      Function<ServeCommand, Application<?>> factory,
      State state,
      Duration idleTimeout,
      Function<ServeCommand, MeterBinder> meters,
      Function<String, List<String>> hints,
      Function<ServeCommand, List<Endpoint>> endpoints) {}

  /** How to reach a line service at {@code HOST PORT}: nc. */
  private static List<String> lineHints(String hostPort) {
    return List.of("nc " + hostPort.replace(':', ' '));
  }

  /** What request/response services get: a client silent for five minutes is gone. */
  static final Duration SERVICE_IDLE_TIMEOUT = Duration.ofMinutes(5);

  /** What the web server gets: keep-alive connections idle this long are closed. */
  static final Duration HTTP_IDLE_TIMEOUT = Duration.ofSeconds(60);

  private static final Map<String, Entry> APPS = new LinkedHashMap<>();

  /** What {@code serve} runs when no {@code --app} is given. */
  static final String DEFAULT = "chat";

  static {
    // Chat members sit quietly in rooms for hours, and a lab instrument may speak once a day:
    // dropping the silent would drop the users, so chat has no idle timeout unless asked.
    // Its other fronts (IRC on --irc-port, the browser page on --web-port) listen on ports of
    // their own, sharing the hub.
    register(
        "chat",
        serve -> serve.chat.application(serve.maxLine()),
        State.SHARED_ACROSS_CONNECTIONS,
        Duration.ZERO,
        serve -> serve.chat::bindTo,
        hostPort -> List.of("nc " + hostPort.replace(':', ' '), "./switchboard chat " + hostPort),
        serve -> serve.chat.endpoints());
    // FTP clients expect "421 Timeout." before a silent session is dropped, and a long transfer
    // leaves the control connection quiet: the file server keeps its own idle clock
    // (--idle-session-timeout), so the engine's is off unless --idle-timeout asks. Each process
    // binds its own passive ports, so --processes works (--max-per-ip then counts per process).
    register(
        "files",
        serve -> serve.files.application(serve.root, serve.dataEngines()),
        State.PER_CONNECTION,
        Duration.ZERO,
        serve -> null,
        hostPort ->
            List.of(
                "lftp -u NAME -p "
                    + hostPort.substring(hostPort.lastIndexOf(':') + 1)
                    + " "
                    + hostPort.substring(0, hostPort.lastIndexOf(':')),
                "curl -u NAME ftp://" + hostPort + "/",
                "./switchboard files " + hostPort + " --user NAME"));
    // A kept-alive browser connection that has said nothing for a minute is let go (nginx waits
    // 75 s); the client simply opens another.
    register(
        "http",
        serve -> serve.http.application(serve.root),
        State.PER_CONNECTION,
        HTTP_IDLE_TIMEOUT,
        serve -> null,
        hostPort ->
            List.of("a browser at http://" + hostPort + "/", "curl http://" + hostPort + "/"));
    for (LineService service : LineService.values()) {
      register(service.serviceName(), service::application, State.PER_CONNECTION);
    }
  }

  /**
   * Adds an app made from the command line's options.
   *
   * @param meters the app's own metrics, bound after the app is made; {@code serve -> null} for
   *     none
   * @param hints the commands a user connects with, given {@code HOST:PORT} (the banner's "connect
   *     with" lines)
   */
  static void register(
      String name,
      Function<ServeCommand, Application<?>> factory,
      State state,
      Duration idleTimeout,
      Function<ServeCommand, MeterBinder> meters,
      Function<String, List<String>> hints) {
    register(name, factory, state, idleTimeout, meters, hints, serve -> List.of());
  }

  /**
   * Adds an app that may listen on more ports than {@code --port}.
   *
   * @param endpoints the other ports and what is served there, made after the app itself (so they
   *     can share its state); an empty list when the command line asks for none
   */
  static void register(
      String name,
      Function<ServeCommand, Application<?>> factory,
      State state,
      Duration idleTimeout,
      Function<ServeCommand, MeterBinder> meters,
      Function<String, List<String>> hints,
      Function<ServeCommand, List<Endpoint>> endpoints) {
    APPS.put(name, new Entry(factory, state, idleTimeout, meters, hints, endpoints));
  }

  /** The app's other ports (see {@link Endpoint}), made after {@link #named}. */
  static List<Endpoint> endpoints(String name, ServeCommand serve) {
    return entry(name).endpoints().apply(serve);
  }

  /** Adds an app that has no options of its own; package-private so tests can add one. */
  static void register(String name, Supplier<Application<?>> factory, State state) {
    register(
        name, serve -> factory.get(), state, SERVICE_IDLE_TIMEOUT, serve -> null, Apps::lineHints);
  }

  /** The commands a user connects to the app with at {@code hostPort} ("127.0.0.1:7000"). */
  static List<String> hints(String name, String hostPort) {
    return entry(name).hints().apply(hostPort);
  }

  /** The app's own metrics (made after {@link #named}), or {@code null}. */
  static MeterBinder meters(String name, ServeCommand serve) {
    return entry(name).meters().apply(serve);
  }

  /** The app called {@code name}, made from {@code serve}'s options. */
  static Application<?> named(String name, ServeCommand serve) {
    return entry(name).factory().apply(serve);
  }

  /** The idle timeout an app gets unless {@code --idle-timeout} says otherwise. */
  static Duration idleTimeout(String name) {
    return entry(name).idleTimeout();
  }

  /** True when the app keeps state that all its connections share (see {@link State}). */
  static boolean sharesState(String name) {
    return entry(name).state() == State.SHARED_ACROSS_CONNECTIONS;
  }

  /** True when an app is called {@code name}. */
  static boolean exists(String name) {
    return APPS.containsKey(name);
  }

  /**
   * The longest line an app takes unless {@code --max-line} says otherwise: chat's lines are what a
   * person types (2,000 bytes), the others' the engine's 64 KiB.
   */
  static int maxLine(String name) {
    return name.equals("chat")
        ? ChatSettings.DEFAULT.maxLineBytes()
        : Limits.DEFAULT.maxFrameLength();
  }

  /** Refuses an unknown app with the list of those there are. */
  static void check(String name) {
    entry(name);
  }

  static String names() {
    return String.join(", ", APPS.keySet());
  }

  private static Entry entry(String name) {
    Entry entry = APPS.get(name);
    if (entry == null) {
      throw new IllegalArgumentException("unknown app '" + name + "'; apps: " + names());
    }
    return entry;
  }
}
