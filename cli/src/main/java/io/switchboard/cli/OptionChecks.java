package io.switchboard.cli;

/**
 * The rules an option's value must keep, each failure said in the words of the command line: the
 * flag and the rule ({@code --max-line must be at least 1, not 0}), never a field of the code it
 * feeds.
 *
 * <p>Thread contract: stateless; any thread.
 */
final class OptionChecks {
  private OptionChecks() {}

  /** Refuses {@code value} below {@code min}. */
  static void atLeast(String flag, long value, long min) {
    if (value < min) {
      throw new IllegalArgumentException(flag + " must be at least " + min + ", not " + value);
    }
  }

  /** Refuses {@code value} outside {@code min..max}. */
  static void between(String flag, long value, long min, long max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(
          flag + " must be from " + min + " to " + max + ", not " + value);
    }
  }

  /** Refuses {@code value} of zero or less. */
  static void positive(String flag, double value) {
    if (!(value > 0)) {
      throw new IllegalArgumentException(flag + " must be more than 0, not " + value);
    }
  }

  /** Refuses a port number no socket can have (0 asks for a free one). */
  static void port(String flag, long value) {
    between(flag, value, 0, 65_535);
  }
}
