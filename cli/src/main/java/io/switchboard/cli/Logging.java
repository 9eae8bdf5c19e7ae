package io.switchboard.cli;

/** One log line per event on stderr, in a format a person and grep can both read. */
final class Logging {
  private Logging() {}

  static void configure() {
    if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
      System.setProperty("java.util.logging.SimpleFormatter.format",
          "%1$tF %1$tT %4$s %5$s%6$s%n");
    }
  }
}
