package io.switchboard.chat.web;

/**
 * One WebSocket message from a client (RFC 6455), as {@link WebSocketDecoder} hands it out: its
 * fragments joined, its masking removed, text checked as UTF-8.
 *
 * <p>Thread contract: immutable values (the byte arrays are handed over, not copied: do not change
 * them).
 */
public sealed interface WebSocketMessage extends WebInput {

  /** A text message: valid UTF-8, decoded. */
  record Text(String text) implements WebSocketMessage {}

  /** A binary message. */
  @SuppressWarnings("ArrayRecordComponent") // handed over once by the decoder, never changed
  record Binary(byte[] data) implements WebSocketMessage {}

  /** A ping: the peer expects a pong with the same application data. */
  @SuppressWarnings("ArrayRecordComponent")
  record Ping(byte[] data) implements WebSocketMessage {}

  /** A pong: an answer to a ping, or an unsolicited heartbeat. */
  @SuppressWarnings("ArrayRecordComponent")
  record Pong(byte[] data) implements WebSocketMessage {}

  /**
   * The peer starts or answers the closing handshake.
   *
   * @param code the status code, or {@link WebSocket#NO_STATUS} (1005) when the frame had none
   * @param reason the reason as sent (valid UTF-8); empty when none
   */
  record Close(int code, String reason) implements WebSocketMessage {}
}
