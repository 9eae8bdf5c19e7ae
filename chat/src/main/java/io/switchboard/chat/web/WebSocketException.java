package io.switchboard.chat.web;

import io.switchboard.engine.FrameException;

/**
 * A client's WebSocket frames break RFC 6455, with the close code that says how: {@link
 * WebSocket#PROTOCOL_ERROR} (1002) for framing (an unmasked frame, reserved bits, an unknown
 * opcode, a fragmented or oversized control frame, a continuation with nothing to continue, a bad
 * close code), {@link WebSocket#INVALID_DATA} (1007) for text that is not UTF-8, {@link
 * WebSocket#TOO_BIG} (1009) for a message past the limit. The connection is failed: the front sends
 * a Close frame with the code and the message (fit to show the peer) and closes.
 */
public final class WebSocketException extends FrameException {
  private final int closeCode;

  public WebSocketException(int closeCode, String message) {
    super(message);
    this.closeCode = closeCode;
  }

  /** The status code of the Close frame the front answers with. */
  public int closeCode() {
    return closeCode;
  }
}
