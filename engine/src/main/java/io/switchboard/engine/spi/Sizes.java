package io.switchboard.engine.spi;

import java.util.Locale;

/**
 * Byte counts and durations as an operator reads them in a log line: "812 B", "4.0 KiB", "3.2 s".
 *
 * <p>Thread contract: stateless; any thread.
 */
final class Sizes {
  private Sizes() {}

  static String bytes(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    double value = bytes;
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    int unit = -1;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit++;
    }
    return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
  }

  static String duration(long nanos) {
    double seconds = nanos / 1e9;
    if (seconds < 1) {
      return String.format(Locale.ROOT, "%d ms", Math.round(seconds * 1000));
    }
    if (seconds < 120) {
      return String.format(Locale.ROOT, "%.1f s", seconds);
    }
    long whole = Math.round(seconds);
    return whole < 7200
        ? String.format(Locale.ROOT, "%d min %d s", whole / 60, whole % 60)
        : String.format(Locale.ROOT, "%d h %d min", whole / 3600, whole % 3600 / 60);
  }
}
