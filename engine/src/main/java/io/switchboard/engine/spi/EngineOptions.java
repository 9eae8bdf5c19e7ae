package io.switchboard.engine.spi;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Model-specific settings from the command line: a thread count and named options such as {@code
 * selector=poll} or {@code transport=epoll}. Models ignore what does not concern them, except
 * {@link #reusePort()}, which every model honours by opening its listener through {@link
 * Listeners}.
 *
 * @param threads worker or event-loop threads; 0 means the model's default
 * @param options named options, e.g. {@code selector}, {@code transport}
 */
public record EngineOptions(int threads, Map<String, String> options) {

  public static final EngineOptions DEFAULT = new EngineOptions(0, Map.of());

  /** The thread count's name among a model's {@link EngineProvider#options()}. */
  public static final String THREADS = "threads";

  /** Which JDK selector the selector loops use ({@code epoll} or {@code poll}). */
  public static final String SELECTOR = "selector";

  /** Which Netty transport ({@code auto}, {@code nio}, {@code epoll}, {@code io_uring}). */
  public static final String TRANSPORT = "transport";

  /** How the epoll model's loops are told of ready sockets ({@code edge} or {@code level}). */
  public static final String TRIGGER = "trigger";

  /** The option name behind {@link #reusePort()}. */
  public static final String REUSE_PORT = "reuse-port";

  public EngineOptions {
    if (threads < 0) {
      throw new IllegalArgumentException("threads must not be negative: " + threads);
    }
    options = Map.copyOf(Objects.requireNonNull(options, "options"));
  }

  public EngineOptions withThreads(int value) {
    return new EngineOptions(value, options);
  }

  public EngineOptions with(String name, String value) {
    Map<String, String> copy = new TreeMap<>(options);
    copy.put(name, value);
    return new EngineOptions(threads, copy);
  }

  public String option(String name, String fallback) {
    return options.getOrDefault(name, fallback);
  }

  /**
   * Asks the engine to bind its listener with SO_REUSEPORT, so that several processes (or servers)
   * can listen on the same port and the kernel spreads new connections over them.
   */
  public EngineOptions withReusePort(boolean value) {
    return with(REUSE_PORT, Boolean.toString(value));
  }

  /** True when the listener must be bound with SO_REUSEPORT (see {@link #withReusePort}). */
  public boolean reusePort() {
    return Boolean.parseBoolean(option(REUSE_PORT, "false"));
  }

  /** The thread count to use: the configured one, or {@code fallback} when it was left at 0. */
  public int threadsOr(int fallback) {
    return threads > 0 ? threads : fallback;
  }

  @Override
  public String toString() {
    StringBuilder text = new StringBuilder();
    if (threads > 0) {
      text.append("threads=").append(threads);
    }
    new TreeMap<>(options)
        .forEach((k, v) -> text.append(text.isEmpty() ? "" : " ").append(k).append('=').append(v));
    return text.toString();
  }
}
