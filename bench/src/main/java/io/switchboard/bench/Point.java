package io.switchboard.bench;

/**
 * Where on a scenario's axis a trial sits.
 *
 * @param connections connections (echo, idle), concurrent clients (connect) or receivers (fanout)
 * @param rate the total send rate in msgs/s (fanout), 0 where it does not apply
 */
public record Point(int connections, int rate) {

  public Point {
    if (connections < 0 || rate < 0) {
      throw new IllegalArgumentException("negative point: " + connections + "/" + rate);
    }
  }

  public String label() {
    return rate == 0
        ? String.format("%,d", connections)
        : String.format("%,d @ %,d/s", connections, rate);
  }
}
