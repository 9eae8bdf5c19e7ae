package io.switchboard.bench;

import java.io.IOException;
import java.time.Duration;
import java.util.function.Predicate;

/**
 * Counts what the clients of one trial report (ready, failed, closed) and lets the driving thread
 * wait for a condition on those counts with a deadline.
 *
 * <p>Thread contract: loop threads call the {@code add...} methods; one driving thread waits.
 */
final class Tally {
  private int ready;
  private int failed;
  private int closed;
  private String firstFailure;

  synchronized void addReady() {
    ready++;
    notifyAll();
  }

  synchronized void addFailed(Exception cause) {
    failed++;
    if (firstFailure == null && cause != null) {
      firstFailure = cause.toString();
    }
    notifyAll();
  }

  synchronized void addClosed() {
    closed++;
    notifyAll();
  }

  /**
   * What a client reports when its connection closes: a close, and a failure (with {@code cause},
   * or "closed by the server") if it closed before it was ever ready.
   */
  synchronized void addClosed(boolean wasReady, IOException cause) {
    if (!wasReady) {
      addFailed(cause == null ? new IOException("closed by the server") : cause);
    }
    addClosed();
  }

  synchronized int ready() {
    return ready;
  }

  synchronized int failed() {
    return failed;
  }

  synchronized int closed() {
    return closed;
  }

  synchronized String firstFailure() {
    return firstFailure;
  }

  /**
   * The report line for a setup that fell short: "only 4,113 of 15,000 connections were served (the
   * first failure)", with {@code what} naming the things counted.
   */
  synchronized String shortfall(int wanted, String what) {
    return String.format(
        "only %,d of %,d %s%s",
        ready, wanted, what, firstFailure == null ? "" : " (" + firstFailure + ")");
  }

  /** Waits until {@code condition} holds or {@code deadline} passes; returns whether it held. */
  synchronized boolean await(Predicate<Tally> condition, Duration deadline)
      throws InterruptedException {
    long end = System.nanoTime() + deadline.toNanos();
    while (!condition.test(this)) {
      long left = end - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      wait(Math.max(1, left / 1_000_000));
    }
    return true;
  }
}
