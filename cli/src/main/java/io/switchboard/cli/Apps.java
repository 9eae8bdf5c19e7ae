package io.switchboard.cli;

import io.switchboard.chat.ChatSettings;
import io.switchboard.chat.line.ChatServer;
import io.switchboard.engine.Application;
import io.switchboard.services.LineService;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The applications {@code serve} can run, by name, each with whether its state is shared across
 * connections (which decides if it can run in several processes).
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
      Function<ChatSettings, Application<?>> factory, State state, Duration idleTimeout) {}

  /** What request/response services get: a client silent for five minutes is gone. */
  private static final Duration SERVICE_IDLE_TIMEOUT = Duration.ofMinutes(5);

  /** The idle timeout an app gets unless {@code --idle-timeout} says otherwise. */
  static Duration idleTimeout(String name) {
    return entry(name).idleTimeout();
  }

  private static final Map<String, Entry> APPS = new LinkedHashMap<>();

  /** What {@code serve} runs when no {@code --app} is given. */
  static final String DEFAULT = "chat";

  static {
    // Chat members sit quietly in rooms for hours, and a lab instrument may speak once a day:
    // dropping the silent would drop the users, so chat has no idle timeout unless asked.
    APPS.put(
        "chat", new Entry(ChatServer::application, State.SHARED_ACROSS_CONNECTIONS, Duration.ZERO));
    for (LineService service : LineService.values()) {
      register(service.serviceName(), service::application, State.PER_CONNECTION);
    }
  }

  /** Adds an app; package-private so tests can register one of each kind. */
  static void register(String name, Supplier<Application<?>> factory, State state) {
    APPS.put(name, new Entry(chat -> factory.get(), state, SERVICE_IDLE_TIMEOUT));
  }

  /** The app called {@code name}; {@code chat} configures the chat hub if that is the one. */
  static Application<?> named(String name, ChatSettings chat) {
    return entry(name).factory().apply(chat);
  }

  /** True when the app keeps state that all its connections share (see {@link State}). */
  static boolean sharesState(String name) {
    return entry(name).state() == State.SHARED_ACROSS_CONNECTIONS;
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
