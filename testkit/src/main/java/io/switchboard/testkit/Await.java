package io.switchboard.testkit;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/** Waits for a condition with a deadline: the tests' only way to wait for something. */
public final class Await {
  private Await() {}

  /** The deadline tests use unless they need another: generous, since CI machines are busy. */
  public static final Duration DEFAULT = Duration.ofSeconds(20);

  public static void until(String what, BooleanSupplier condition) {
    until(what, DEFAULT, condition);
  }

  /** Polls {@code condition} until it holds; fails with {@code what} when the deadline passes. */
  public static void until(String what, Duration deadline, BooleanSupplier condition) {
    long end = System.nanoTime() + deadline.toNanos();
    long pauseNanos = 100_000;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - end > 0) {
        throw new AssertionError(
            "timed out after " + deadline.toMillis() + " ms waiting for: " + what);
      }
      java.util.concurrent.locks.LockSupport.parkNanos(pauseNanos);
      pauseNanos = Math.min(pauseNanos * 2, 20_000_000);
    }
  }

  /**
   * Waits until {@code value} has stopped changing for {@code quiet}: for "the peer is stalled"
   * questions that have no event to wait for (a writer blocked by TCP flow control). A value that
   * keeps changing until the deadline fails with {@code what}.
   *
   * @return the steady value
   */
  public static long steady(String what, LongSupplier value, Duration quiet) {
    long end = System.nanoTime() + DEFAULT.toNanos();
    long last = value.getAsLong();
    long since = System.nanoTime();
    while (System.nanoTime() - since < quiet.toNanos()) {
      if (System.nanoTime() - end > 0) {
        throw new AssertionError(
            "timed out after "
                + DEFAULT.toMillis()
                + " ms waiting for: "
                + what
                + " (still changing: "
                + last
                + ")");
      }
      java.util.concurrent.locks.LockSupport.parkNanos(10_000_000);
      long now = value.getAsLong();
      if (now != last) {
        last = now;
        since = System.nanoTime();
      }
    }
    return last;
  }
}
