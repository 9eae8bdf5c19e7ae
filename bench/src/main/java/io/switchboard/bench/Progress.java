package io.switchboard.bench;

import java.io.PrintStream;

/**
 * Where the bench says what it is doing: a progress line that is rewritten in place ("what is
 * measured now, how much is left") and permanent lines for finished trials and warnings.
 *
 * <p>Thread contract: called from the bench's one driving thread.
 */
public interface Progress {

  /** Replaces the progress line. */
  void show(String line);

  /** Prints a line that stays (the progress line is redrawn below it). */
  void log(String line);

  /** The run is over: end the progress line. */
  void done();

  Progress SILENT =
      new Progress() {
        @Override
        public void show(String line) {}

        @Override
        public void log(String line) {}

        @Override
        public void done() {}
      };

  /**
   * Draws on {@code out}: the progress line is rewritten with carriage returns when this process
   * has a console, and left out otherwise (a log file would fill with every redraw).
   */
  static Progress to(PrintStream out) {
    return to(out, onTerminal());
  }

  /**
   * Whether this process talks to a terminal. Since JDK 22 {@link System#console()} returns a
   * console even when the output is redirected, and {@code Console.isTerminal()} (22+) tells the
   * truth; on JDK 21 a non-null console already means a terminal. Reflection keeps the Java 21
   * target.
   */
  @SuppressWarnings("SystemConsoleNull") // handled: see the comment above
  static boolean onTerminal() {
    java.io.Console console = System.console();
    if (console == null) {
      return false;
    }
    try {
      return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(console);
    } catch (ReflectiveOperationException e) {
      return true; // JDK 21: no isTerminal, and a console exists only on a terminal
    }
  }

  static Progress to(PrintStream out, boolean interactive) {
    return new Progress() {
      private int shown;

      @Override
      public void show(String line) {
        if (!interactive) {
          return;
        }
        String padded = line.length() < shown ? line + " ".repeat(shown - line.length()) : line;
        out.print("\r" + padded);
        out.flush();
        shown = line.length();
      }

      @Override
      public void log(String line) {
        if (shown > 0) {
          out.print("\r" + " ".repeat(shown) + "\r");
          shown = 0;
        }
        out.println(line);
        out.flush();
      }

      @Override
      public void done() {
        if (shown > 0) {
          out.println();
          shown = 0;
        }
        out.flush();
      }
    };
  }
}
