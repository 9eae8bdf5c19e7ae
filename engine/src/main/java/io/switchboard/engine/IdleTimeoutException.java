package io.switchboard.engine;

import java.time.Duration;

/** The cause given to {@link Handler#closed} when a connection was idle too long. */
public class IdleTimeoutException extends Exception {
  public IdleTimeoutException(Duration idle) {
    super("idle for " + idle.toMillis() + " ms", null, false, false);
  }
}
