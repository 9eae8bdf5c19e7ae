package io.switchboard.engine;

/** The peer's bytes break the framing rules; the message is fit to show the peer. */
public class FrameException extends Exception {
  public FrameException(String message) {
    super(message, null, false, false);
  }
}
