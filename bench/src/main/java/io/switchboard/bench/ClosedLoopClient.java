package io.switchboard.bench;

import java.io.IOException;
import java.util.concurrent.Semaphore;
import org.HdrHistogram.Recorder;

/**
 * A load client with one request in flight (a closed loop, as wrk and the echo scenario drive a
 * connection): its first answer proves the connection is served ("ready": counted in the trial's
 * {@link Tally}, and its place among the connections still setting up is freed); once told to
 * {@link #go}, every answer is timed and sends the next request, until {@link #halt}. Subclasses
 * say what a request is ({@link #request()}) and tell when an answer is complete ({@link
 * #answered}).
 *
 * <p>Thread contract: callbacks run on the connection's loop thread; {@link #go}, {@link #halt} and
 * {@link #closeLater} may be called from any thread (they hop to the loop).
 */
abstract class ClosedLoopClient extends LoadConnection {
  private final Semaphore connecting;
  private final Tally tally;
  private boolean ready;
  private boolean going;
  private long sentAt;

  /**
   * @param connecting the permit this client holds while it sets up (see {@link Trial#connectAll})
   * @param tally where it reports ready, failed and closed
   */
  ClosedLoopClient(Semaphore connecting, Tally tally) {
    this.connecting = connecting;
    this.tally = tally;
  }

  /** Sends one request. */
  protected abstract void request();

  @Override
  protected void connected() {
    next();
  }

  private void next() {
    sentAt = System.nanoTime();
    request();
  }

  /**
   * The answer to the request in flight is complete: the first one makes the client ready; each
   * later one is recorded in {@code latency} and, while going, the next request goes out.
   */
  protected final void answered(long nowNanos, Recorder latency) {
    if (!ready) {
      ready = true;
      connecting.release();
      tally.addReady();
      return;
    }
    latency.recordValue(nowNanos - sentAt);
    if (going) {
      next();
    }
  }

  @Override
  protected void closed(IOException cause) {
    if (!ready) {
      connecting.release();
    }
    tally.addClosed(ready, cause);
  }

  /** Starts the loop. */
  void go() {
    execute(
        () -> {
          if (!isClosed() && ready && !going) {
            going = true;
            next();
          }
        });
  }

  /** Stops after the answer in flight. */
  void halt() {
    execute(() -> going = false);
  }

  void closeLater() {
    execute(this::close);
  }

  boolean isReady() {
    return ready;
  }
}
