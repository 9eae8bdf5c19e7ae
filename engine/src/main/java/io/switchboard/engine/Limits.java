package io.switchboard.engine;

import java.time.Duration;
import java.util.Objects;

/**
 * The limits that protect a server, in one immutable value with sensible {@link #DEFAULT}s (the
 * shape of Netty's {@code WriteBufferWaterMark}: validated, with a default, changed by copies).
 *
 * @param maxConnections connections served at once; one more gets {@link Application#refusal()} and
 *     is closed, and nobody else notices
 * @param idleTimeout a connection that neither reads nor writes a byte for this long is closed
 *     ({@link Duration#ZERO} disables it)
 * @param frameTimeout a frame (a line, a request head) that has started to arrive but is not
 *     complete after this long is a {@link FrameTimeoutException}, which the app answers in its
 *     {@link Handler#malformed} (a slow trickle, slowloris); the clock runs only while the
 *     connection is reading ({@link Duration#ZERO} disables it)
 * @param closeTimeout a connection asked to {@link Connection#close()} whose queued output makes no
 *     progress for this long (the peer reads nothing) is aborted, so a peer that stops reading
 *     cannot keep a closing connection, and its place, forever
 * @param dropTimeout a connection the app {@link Connection#drop dropped} (its place is free at
 *     once) is aborted if its last words are not written within this long: a peer that does not
 *     read keeps nothing of the server's for longer
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
    Duration frameTimeout,
    Duration closeTimeout,
    Duration dropTimeout,
    int maxFrameLength,
    int lowWaterMark,
    int highWaterMark,
    long maxQueuedBytes,
    Duration shutdownDeadline) {

  public static final Limits DEFAULT =
      new Limits(
          10_000,
          Duration.ofMinutes(5),
          Duration.ofSeconds(30),
          Duration.ofSeconds(10),
          Duration.ofSeconds(2),
          64 * 1024,
          32 * 1024,
          64 * 1024,
          4L << 20,
          Duration.ofSeconds(5));

  public Limits {
    Objects.requireNonNull(idleTimeout, "idleTimeout");
    Objects.requireNonNull(frameTimeout, "frameTimeout");
    Objects.requireNonNull(closeTimeout, "closeTimeout");
    Objects.requireNonNull(dropTimeout, "dropTimeout");
    Objects.requireNonNull(shutdownDeadline, "shutdownDeadline");
    require(maxConnections > 0, "maxConnections must be positive: " + maxConnections);
    require(!idleTimeout.isNegative(), "idleTimeout must not be negative: " + idleTimeout);
    require(!frameTimeout.isNegative(), "frameTimeout must not be negative: " + frameTimeout);
    require(closeTimeout.isPositive(), "closeTimeout must be positive: " + closeTimeout.toMillis());
    require(dropTimeout.isPositive(), "dropTimeout must be positive: " + dropTimeout.toMillis());
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

  public boolean hasFrameTimeout() {
    return !frameTimeout.isZero();
  }

  public Limits withMaxConnections(int value) {
    return copy().maxConnections(value).build();
  }

  public Limits withIdleTimeout(Duration value) {
    return copy().idleTimeout(value).build();
  }

  public Limits withFrameTimeout(Duration value) {
    return copy().frameTimeout(value).build();
  }

  public Limits withCloseTimeout(Duration value) {
    return copy().closeTimeout(value).build();
  }

  public Limits withDropTimeout(Duration value) {
    return copy().dropTimeout(value).build();
  }

  public Limits withMaxFrameLength(int value) {
    return copy().maxFrameLength(value).build();
  }

  /** Sets both water marks; the hard cap grows to stay at least the high mark. */
  public Limits withWaterMarks(int low, int high) {
    return copy()
        .lowWaterMark(low)
        .highWaterMark(high)
        .maxQueuedBytes(Math.max(maxQueuedBytes, high))
        .build();
  }

  public Limits withMaxQueuedBytes(long value) {
    return copy().maxQueuedBytes(value).build();
  }

  public Limits withShutdownDeadline(Duration value) {
    return copy().shutdownDeadline(value).build();
  }

  private Copy copy() {
    return new Copy(this);
  }

  /** The one place that lists every component, so each {@code with...} changes one by name. */
  private static final class Copy {
    private int maxConnections;
    private Duration idleTimeout;
    private Duration frameTimeout;
    private Duration closeTimeout;
    private Duration dropTimeout;
    private int maxFrameLength;
    private int lowWaterMark;
    private int highWaterMark;
    private long maxQueuedBytes;
    private Duration shutdownDeadline;

    Copy(Limits limits) {
      maxConnections = limits.maxConnections;
      idleTimeout = limits.idleTimeout;
      frameTimeout = limits.frameTimeout;
      closeTimeout = limits.closeTimeout;
      dropTimeout = limits.dropTimeout;
      maxFrameLength = limits.maxFrameLength;
      lowWaterMark = limits.lowWaterMark;
      highWaterMark = limits.highWaterMark;
      maxQueuedBytes = limits.maxQueuedBytes;
      shutdownDeadline = limits.shutdownDeadline;
    }

    Copy maxConnections(int value) {
      maxConnections = value;
      return this;
    }

    Copy idleTimeout(Duration value) {
      idleTimeout = value;
      return this;
    }

    Copy frameTimeout(Duration value) {
      frameTimeout = value;
      return this;
    }

    Copy closeTimeout(Duration value) {
      closeTimeout = value;
      return this;
    }

    Copy dropTimeout(Duration value) {
      dropTimeout = value;
      return this;
    }

    Copy maxFrameLength(int value) {
      maxFrameLength = value;
      return this;
    }

    Copy lowWaterMark(int value) {
      lowWaterMark = value;
      return this;
    }

    Copy highWaterMark(int value) {
      highWaterMark = value;
      return this;
    }

    Copy maxQueuedBytes(long value) {
      maxQueuedBytes = value;
      return this;
    }

    Copy shutdownDeadline(Duration value) {
      shutdownDeadline = value;
      return this;
    }

    Limits build() {
      return new Limits(
          maxConnections,
          idleTimeout,
          frameTimeout,
          closeTimeout,
          dropTimeout,
          maxFrameLength,
          lowWaterMark,
          highWaterMark,
          maxQueuedBytes,
          shutdownDeadline);
    }
  }

  @Override
  public String toString() {
    return "maxConnections="
        + maxConnections
        + " idleTimeout="
        + seconds(idleTimeout)
        + " frameTimeout="
        + seconds(frameTimeout)
        + " closeTimeout="
        + seconds(closeTimeout)
        + " dropTimeout="
        + seconds(dropTimeout)
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

  private static String seconds(Duration duration) {
    return duration.isZero()
        ? "off"
        : duration.toMillis() % 1000 == 0 ? duration.toSeconds() + "s" : duration.toMillis() + "ms";
  }
}
