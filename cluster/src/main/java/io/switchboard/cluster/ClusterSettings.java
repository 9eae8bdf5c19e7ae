package io.switchboard.cluster;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * How a node joins the hub shared through Redis, in one immutable value with sensible defaults.
 *
 * @param redis where Redis is: {@code redis://HOST:PORT[/DB]}
 * @param deadAfter a node whose heartbeat is older than this is taken for dead: the others announce
 *     its members gone and free their names (with the reaper's period, within 15 s at the default)
 * @param heartbeat how often a node renews its heartbeat and looks for dead nodes
 * @param logSize updates each room's log keeps for nodes that missed some (a gap longer than this
 *     is told to the members as lost)
 * @param deliveries pub/sub deliveries a node holds before applying them; past this a delivery is
 *     dropped and the room is repaired from its log, so a stalled node never piles them up
 * @param requests commands to Redis one node may have queued (Lettuce's request queue); past this a
 *     command is refused at once
 */
public record ClusterSettings(
    String redis,
    Duration deadAfter,
    Duration heartbeat,
    int logSize,
    int deliveries,
    int requests) {

  /**
   * Dead after 10 s, a heartbeat a second, 1,000 updates kept per room, 65,536 deliveries, 10,000
   * requests.
   */
  public static ClusterSettings of(String redis) {
    return new ClusterSettings(
        redis, Duration.ofSeconds(10), Duration.ofSeconds(1), 1_000, 65_536, 10_000);
  }

  public ClusterSettings {
    Objects.requireNonNull(redis, "redis");
    Objects.requireNonNull(deadAfter, "deadAfter");
    Objects.requireNonNull(heartbeat, "heartbeat");
    URI uri;
    try {
      uri = URI.create(redis);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--bus: not a URI: " + redis, e);
    }
    if (!"redis".equals(uri.getScheme()) || uri.getHost() == null) {
      throw new IllegalArgumentException(
          "--bus: expected redis://HOST:PORT[/DB], for example redis://127.0.0.1:6379, got "
              + redis);
    }
    String path = uri.getPath();
    if (path != null && !path.isEmpty() && !path.equals("/") && !path.matches("/\\d{1,2}")) {
      throw new IllegalArgumentException(
          "--bus: the database after the port is a number (redis://HOST:PORT/0), got " + redis);
    }
    if (heartbeat.isNegative() || heartbeat.isZero() || deadAfter.compareTo(heartbeat) <= 0) {
      throw new IllegalArgumentException("deadAfter must be longer than the heartbeat period");
    }
    if (logSize < 1 || deliveries < 1 || requests < 1) {
      throw new IllegalArgumentException("logSize, deliveries and requests must be positive");
    }
  }

  public ClusterSettings withDeadAfter(Duration value) {
    return new ClusterSettings(redis, value, heartbeat, logSize, deliveries, requests);
  }

  public ClusterSettings withLogSize(int value) {
    return new ClusterSettings(redis, deadAfter, heartbeat, value, deliveries, requests);
  }

  public ClusterSettings withDeliveries(int value) {
    return new ClusterSettings(redis, deadAfter, heartbeat, logSize, value, requests);
  }
}
