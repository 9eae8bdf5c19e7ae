package io.switchboard.http;

import io.switchboard.engine.FrameException;

/**
 * A request the decoder refuses, with the status that says why: 400 (bad syntax, untrustworthy
 * framing), 413 (body too large), 414 (request line too long), 431 (header section too large), 501
 * (a method or transfer coding the server does not implement), 505 (not HTTP/1.x). After one of
 * these the byte stream can no longer be trusted to say where the next request starts, so the
 * handler answers with the status and closes the connection (RFC 9112 §11.2). The message is fit to
 * show the client.
 */
public class HttpStatusException extends FrameException {
  private final int status;

  public HttpStatusException(int status, String message) {
    super(message);
    this.status = status;
  }

  /** The response status this refusal calls for. */
  public int status() {
    return status;
  }
}
