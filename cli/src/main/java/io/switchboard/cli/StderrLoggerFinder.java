package io.switchboard.cli;

import java.io.PrintStream;
import java.text.MessageFormat;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.ResourceBundle;
import java.util.function.Supplier;

/**
 * Routes the engine's {@link System.Logger} output to stderr, one line per event.
 *
 * <p>Why not java.util.logging: its LogManager resets its handlers in a shutdown hook of its own,
 * which races ours, so the "stopping"/"stopped" lines of a Ctrl-C shutdown were lost. This writes
 * straight to stderr, which stays open until the JVM halts. Level: {@code -Dswitchboard.log=debug}
 * (default info).
 */
public final class StderrLoggerFinder extends System.LoggerFinder {
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
  private static final System.Logger.Level THRESHOLD =
      System.Logger.Level.valueOf(
          System.getProperty("switchboard.log", "info").toUpperCase(Locale.ROOT));

  @Override
  public System.Logger getLogger(String name, Module module) {
    return new StderrLogger(name);
  }

  private record StderrLogger(String name) implements System.Logger {
    @Override
    public String getName() {
      return name;
    }

    @Override
    public boolean isLoggable(Level level) {
      return level != Level.OFF && level.getSeverity() >= THRESHOLD.getSeverity();
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String message, Throwable thrown) {
      if (isLoggable(level)) {
        write(level, message, thrown);
      }
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String format, Object... params) {
      if (isLoggable(level)) {
        write(
            level,
            params == null || params.length == 0 ? format : MessageFormat.format(format, params),
            null);
      }
    }

    @Override
    public void log(Level level, Supplier<String> message) {
      if (isLoggable(level)) {
        write(level, message.get(), null);
      }
    }

    private static void write(Level level, String message, Throwable thrown) {
      PrintStream err = System.err;
      synchronized (err) {
        String time = LocalDateTime.now(ZoneId.systemDefault()).format(TIME);
        err.println(time + " " + level.getName() + " " + message);
        if (thrown != null) {
          thrown.printStackTrace(err);
        }
      }
    }
  }
}
