package io.switchboard.engine;

import java.time.Duration;

/**
 * A frame began to arrive but was not complete within {@link Limits#frameTimeout()}: a peer that
 * trickles bytes (a slow loris) holds a connection without ever sending a whole frame. Handed to
 * {@link Handler#malformed}, so the app answers in its own protocol (an HTTP 408, an error line)
 * before it closes; the message is fit to show the peer.
 */
public class FrameTimeoutException extends FrameException {
  private final Duration timeout;

  public FrameTimeoutException(Duration timeout) {
    super("frame not complete within " + seconds(timeout));
    this.timeout = timeout;
  }

  /** The limit that was passed. */
  public Duration timeout() {
    return timeout;
  }

  /** The timeout as people write it: "30 s", or "1500 ms" when not whole seconds. */
  public static String seconds(Duration timeout) {
    return timeout.toMillis() % 1000 == 0 ? timeout.toSeconds() + " s" : timeout.toMillis() + " ms";
  }
}
