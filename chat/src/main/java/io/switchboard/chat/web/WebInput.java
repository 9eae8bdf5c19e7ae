package io.switchboard.chat.web;

import io.switchboard.http.HttpRequest;

/**
 * What the browser front's decoder ({@link WebDecoder}) hands its handler: an HTTP request while
 * the connection speaks HTTP (the page's files, the WebSocket upgrade), then WebSocket messages
 * once it has switched.
 *
 * <p>Thread contract: immutable values.
 */
public sealed interface WebInput permits WebInput.Request, WebSocketMessage {

  /**
   * An HTTP request, with the decoder that read it: the handler, answering an upgrade, tells the
   * decoder that the connection switches ({@link WebDecoder#switchToWebSocket}) while it handles
   * the request, in the same handler context as the decoder runs.
   */
  record Request(HttpRequest request, WebDecoder decoder) implements WebInput {}
}
