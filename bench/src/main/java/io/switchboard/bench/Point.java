package io.switchboard.bench;

/**
 * Where on a scenario's axis a trial sits.
 *
 * @param connections connections (echo, idle, http), concurrent clients (connect) or receivers
 *     (fanout)
 * @param rate the total send rate in msgs/s (fanout), 0 where it does not apply
 * @param bytes the size of the file each request fetches (http), 0 where it does not apply
 */
public record Point(int connections, int rate, int bytes) {

  public Point {
    if (connections < 0 || rate < 0 || bytes < 0) {
      throw new IllegalArgumentException(
          "negative point: " + connections + "/" + rate + "/" + bytes);
    }
  }

  public Point(int connections, int rate) {
    this(connections, rate, 0);
  }

  public String label() {
    if (bytes > 0) {
      return String.format("%,d × %s", connections, size(bytes));
    }
    return rate == 0
        ? String.format("%,d", connections)
        : String.format("%,d @ %,d/s", connections, rate);
  }

  /** 1 KiB, 1 MiB, or bytes. */
  static String size(int bytes) {
    if (bytes % (1 << 20) == 0) {
      return bytes / (1 << 20) + " MiB";
    }
    return bytes % 1024 == 0 ? bytes / 1024 + " KiB" : bytes + " B";
  }
}
