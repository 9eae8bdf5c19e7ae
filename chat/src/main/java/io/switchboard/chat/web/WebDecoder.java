package io.switchboard.chat.web;

import io.switchboard.engine.Decoder;
import io.switchboard.engine.FrameException;
import io.switchboard.http.HttpLimits;
import io.switchboard.http.HttpRequest;
import io.switchboard.http.HttpRequestDecoder;
import java.nio.ByteBuffer;

/**
 * The browser front's framing: HTTP requests ({@link HttpRequestDecoder}, the web server's parser)
 * until the handler accepts a WebSocket upgrade, then WebSocket messages ({@link WebSocketDecoder})
 * from the first byte after that request. The engine makes one decoder per connection and the
 * handler never sees it, so each request carries this decoder to the handler ({@link
 * WebInput.Request}), which calls {@link #switchToWebSocket} while it answers an upgrade with
 * {@code 101}; an upgrade the handler does not take (a refusal, another protocol) lets HTTP go on.
 *
 * <p>Not thread-safe: the engine calls it, and the handler calls {@link #switchToWebSocket} inside
 * the engine's delivery of a request, in the connection's handler context, one at a time.
 */
final class WebDecoder implements Decoder<WebInput> {
  private static final ByteBuffer NOTHING = ByteBuffer.allocate(0);

  private final HttpRequestDecoder http;
  private final int maxMessage;
  private WebSocketDecoder socket; // null until the switch

  /**
   * @param limits the bounds of one HTTP request
   * @param maxMessage the largest WebSocket message, once switched (see {@link WebSocketDecoder})
   */
  WebDecoder(HttpLimits limits, int maxMessage) {
    this.http = new HttpRequestDecoder(limits, true);
    this.maxMessage = maxMessage;
  }

  @Override
  public void decode(ByteBuffer in, FrameSink<? super WebInput> sink) throws FrameException {
    if (socket == null) {
      FrameSink<HttpRequest> requests = request -> sink.accept(new WebInput.Request(request, this));
      http.decode(in, requests);
      // An upgrade the handler declined: what followed the request is HTTP again (the decoder
      // held it untouched until now); another upgrade request among it stops it again.
      while (socket == null && http.holdingForUpgrade()) {
        http.continueHttp();
        http.decode(NOTHING, requests);
      }
      if (socket == null) {
        return;
      }
      in = http.switchProtocols(); // the bytes after the upgrade request: the first frames
    }
    socket.decode(in, sink);
  }

  /**
   * The connection speaks WebSocket from the byte after the request being handled: called by the
   * handler once it has sent its {@code 101 Switching Protocols}.
   */
  void switchToWebSocket() {
    socket = new WebSocketDecoder(maxMessage);
  }

  /** True once the connection has switched to WebSocket. */
  boolean switched() {
    return socket != null;
  }

  @Override
  public boolean inFrame() {
    return socket == null ? http.inFrame() : socket.inFrame();
  }
}
