package io.switchboard.engine;

import java.time.Duration;
import java.util.Objects;

/**
 * The limits that protect a server, in one immutable value with sensible {@link #DEFAULT}s.
 *
 * @param maxConnections connections served at once; one more gets {@link Application#refusal()} and
 *     is closed, and nobody else notices
 * @param idleTimeout a connection that neither reads nor writes a byte for this long is closed
 *     ({@link Duration#ZERO} disables it)
 * @param maxFrameLength the longest frame (line) a decoder accepts, in bytes
 * @param lowWaterMark {@link Connection#isWritable()} turns true again when the outbound queue
 *     drains below this many bytes
 * @param highWaterMark {@link Connection#isWritable()} turns false when the outbound queue holds
 *     more than this many bytes
 * @param maxQueuedBytes hard cap of the outbound queue; a send past it aborts the connection
 * @param shutdownDeadline how long graceful shutdown lets queued output drain before closing
 */
public record Limits(
    int maxConnections,
    Duration idleTimeout,
    int maxFrameLength,
    int lowWaterMark,
    int highWaterMark,
    long maxQueuedBytes,
    Duration shutdownDeadline) {

  public static final Limits DEFAULT =
      new Limits(
          10_000,
          Duration.ofMinutes(5),
          64 * 1024,
          32 * 1024,
          64 * 1024,
          4L << 20,
          Duration.ofSeconds(5));

  public Limits {
    Objects.requireNonNull(idleTimeout, "idleTimeout");
    Objects.requireNonNull(shutdownDeadline, "shutdownDeadline");
    require(maxConnections > 0, "maxConnections must be positive: " + maxConnections);
    require(!idleTimeout.isNegative(), "idleTimeout must not be negative: " + idleTimeout);
    require(maxFrameLength > 0, "maxFrameLength must be positive: " + maxFrameLength);
    require(lowWaterMark >= 0, "lowWaterMark must not be negative: " + lowWaterMark);
    require(
        highWaterMark >= lowWaterMark,
        "highWaterMark (" + highWaterMark + ") must be >= lowWaterMark (" + lowWaterMark + ")");
    require(
        maxQueuedBytes >= highWaterMark,
        "maxQueuedBytes (" + maxQueuedBytes + ") must be >= highWaterMark (" + highWaterMark + ")");
    require(!shutdownDeadline.isNegative(), "shutdownDeadline must not be negative");
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException(message);
    }
  }

  public boolean hasIdleTimeout() {
    return !idleTimeout.isZero();
  }

  public Limits withMaxConnections(int value) {
    return new Limits(
        value,
        idleTimeout,
        maxFrameLength,
        lowWaterMark,
        highWaterMark,
        maxQueuedBytes,
        shutdownDeadline);
  }

  public Limits withIdleTimeout(Duration value) {
    return new Limits(
        maxConnections,
        value,
        maxFrameLength,
        lowWaterMark,
        highWaterMark,
        maxQueuedBytes,
        shutdownDeadline);
  }

  public Limits withMaxFrameLength(int value) {
    return new Limits(
        maxConnections,
        idleTimeout,
        value,
        lowWaterMark,
        highWaterMark,
        maxQueuedBytes,
        shutdownDeadline);
  }

  /** Sets both water marks; the hard cap grows to stay at least the high mark. */
  public Limits withWaterMarks(int low, int high) {
    return new Limits(
        maxConnections,
        idleTimeout,
        maxFrameLength,
        low,
        high,
        Math.max(maxQueuedBytes, high),
        shutdownDeadline);
  }

  public Limits withMaxQueuedBytes(long value) {
    return new Limits(
        maxConnections,
        idleTimeout,
        maxFrameLength,
        lowWaterMark,
        highWaterMark,
        value,
        shutdownDeadline);
  }

  public Limits withShutdownDeadline(Duration value) {
    return new Limits(
        maxConnections,
        idleTimeout,
        maxFrameLength,
        lowWaterMark,
        highWaterMark,
        maxQueuedBytes,
        value);
  }

  @Override
  public String toString() {
    return "maxConnections="
        + maxConnections
        + " idleTimeout="
        + (hasIdleTimeout() ? idleTimeout.toSeconds() + "s" : "off")
        + " maxFrame="
        + maxFrameLength
        + " waterMarks="
        + lowWaterMark
        + "/"
        + highWaterMark
        + " maxQueued="
        + maxQueuedBytes
        + " shutdownDeadline="
        + shutdownDeadline.toMillis()
        + "ms";
  }
}
