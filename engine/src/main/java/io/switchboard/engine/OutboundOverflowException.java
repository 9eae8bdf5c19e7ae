package io.switchboard.engine;

/** The cause given to {@link Handler#closed} when a send overflowed the outbound queue. */
public class OutboundOverflowException extends Exception {
  public OutboundOverflowException(long queued, long limit) {
    super("outbound queue full: " + queued + " bytes queued, limit " + limit, null, false, false);
  }
}
