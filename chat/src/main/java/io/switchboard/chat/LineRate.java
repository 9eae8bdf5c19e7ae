package io.switchboard.chat;

/**
 * A token bucket that limits how many lines one connection may send: {@code burst} at once, then
 * {@code perSecond} sustained.
 *
 * <p>Thread contract: one connection's lines arrive in its handler context, one at a time, so this
 * is not thread-safe and needs not be.
 */
final class LineRate {
  private final double perNano;
  private final double burst;
  private double tokens;
  private long lastNanos;

  LineRate(double perSecond, int burst, long nowNanos) {
    this.perNano = perSecond / 1e9;
    this.burst = burst;
    this.tokens = burst;
    this.lastNanos = nowNanos;
  }

  /** Takes one token; false if the bucket is empty (the line must be dropped). */
  boolean tryTake(long nowNanos) {
    tokens = Math.min(burst, tokens + (nowNanos - lastNanos) * perNano);
    lastNanos = nowNanos;
    if (tokens >= 1) {
      tokens -= 1;
      return true;
    }
    return false;
  }
}
