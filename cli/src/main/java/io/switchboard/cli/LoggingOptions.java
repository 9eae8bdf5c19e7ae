package io.switchboard.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import java.util.Locale;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Option;

/**
 * {@code --log-level} and {@code --log-format}: how a server process logs. Everything logs through
 * the JDK's {@code System.Logger} (the engine depends on nothing); SLF4J's bridge hands it to
 * Logback, configured here: one line per event on stderr, as text for people or as one JSON object
 * per line for log shippers.
 *
 * <p>Thread contract: {@link #apply} once, on the main thread, before the server starts.
 */
final class LoggingOptions {

  /** The log line for people: time, level, the event. */
  static final String TEXT_PATTERN = "%d{yyyy-MM-dd HH:mm:ss} %-5level %msg%n";

  enum Format {
    TEXT,
    JSON;

    @Override
    public String toString() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  enum LogLevel {
    ERROR,
    WARN,
    INFO,
    DEBUG,
    TRACE;

    @Override
    public String toString() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  @Option(
      names = "--log-level",
      paramLabel = "LEVEL",
      description =
          "Log events at this level and above: error, warn, info (connections opened and"
              + " closed, refusals, drops), debug (chat joins, leaves, renames), trace"
              + " (default: ${DEFAULT-VALUE}).")
  LogLevel level = LogLevel.INFO;

  @Option(
      names = "--log-format",
      paramLabel = "text|json",
      description =
          "Log lines as text, or as one JSON object per line for log shippers"
              + " (default: ${DEFAULT-VALUE}).")
  Format format = Format.TEXT;

  /**
   * Configures the log as these options say.
   *
   * @param worker the worker's index when this process is one of {@code --processes N}, else null;
   *     JSON lines then carry it (text lines get the supervisor's {@code [worker I pid P]} prefix)
   */
  void apply(Integer worker) {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    context.reset();
    if (worker != null) {
      context.putProperty("worker", worker.toString());
      context.putProperty("pid", Long.toString(ProcessHandle.current().pid()));
    }
    Encoder<ILoggingEvent> encoder = format == Format.JSON ? json(context) : text(context);
    ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
    stderr.setContext(context);
    stderr.setName("stderr");
    stderr.setTarget("System.err");
    stderr.setEncoder(encoder);
    stderr.start();
    ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.toLevel(level.name()));
    root.addAppender(stderr);
    if (level.compareTo(LogLevel.DEBUG) < 0) {
      // The chat's bus client (Lettuce) warns at start which native transports it found and chose:
      // nothing for whoever runs the server to act on, so only its errors show unless debugging.
      context.getLogger("io.lettuce.core.resource").setLevel(Level.ERROR);
    }
  }

  private static Encoder<ILoggingEvent> text(LoggerContext context) {
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern(TEXT_PATTERN);
    encoder.start();
    return encoder;
  }

  private static Encoder<ILoggingEvent> json(LoggerContext context) {
    JsonEncoder encoder = new JsonEncoder();
    encoder.setContext(context);
    encoder.setWithSequenceNumber(false);
    encoder.setWithNanoseconds(false);
    encoder.start();
    return encoder;
  }
}
