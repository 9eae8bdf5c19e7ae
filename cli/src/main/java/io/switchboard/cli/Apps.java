package io.switchboard.cli;

import io.switchboard.engine.Application;
import io.switchboard.services.LineService;
import java.time.Duration;
import java.util.LinkedHashMap;
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
     * holds the state, so {@code --processes} is refused until a shared bus exists.
     */
    SHARED_ACROSS_CONNECTIONS
  }

  private record Entry(
      Function<ServeCommand, Application<?>> factory, State state, Duration idleTimeout) {}

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
    register(
        "chat", serve -> serve.chat.application(), State.SHARED_ACROSS_CONNECTIONS, Duration.ZERO);
    // A kept-alive browser connection that has said nothing for a minute is let go (nginx waits
    // 75 s); the client simply opens another.
    register(
        "http",
        serve -> serve.http.application(serve.root),
        State.PER_CONNECTION,
        HTTP_IDLE_TIMEOUT);
    for (LineService service : LineService.values()) {
      register(service.serviceName(), service::application, State.PER_CONNECTION);
    }
  }

  /** Adds an app made from the command line's options. */
  static void register(
      String name,
      Function<ServeCommand, Application<?>> factory,
      State state,
      Duration idleTimeout) {
    APPS.put(name, new Entry(factory, state, idleTimeout));
  }

  /** Adds an app that has no options of its own; package-private so tests can add one. */
  static void register(String name, Supplier<Application<?>> factory, State state) {
    register(name, serve -> factory.get(), state, SERVICE_IDLE_TIMEOUT);
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
