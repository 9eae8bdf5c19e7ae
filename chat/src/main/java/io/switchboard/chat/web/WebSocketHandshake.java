package io.switchboard.chat.web;

import io.switchboard.http.HttpRequest;
import io.switchboard.http.HttpResponse;
import java.util.Base64;
import java.util.List;

/**
 * The server's side of the opening handshake (RFC 6455 §4.2): an upgrade request to the socket's
 * path is answered {@code 101 Switching Protocols} with its {@code Sec-WebSocket-Accept}, or
 * refused with the status that says why, checked in this order: a method other than GET (405),
 * HTTP/1.0 or no single {@code Host} (400), no {@code Upgrade: websocket} with {@code Connection:
 * Upgrade} (426, naming the upgrade expected), a version other than 13 (426 with {@code
 * Sec-WebSocket-Version: 13}, §4.4), a key that is not 16 bytes in base64 (400), an {@code Origin}
 * that may not open the socket (403, see {@link WebOrigin}). No subprotocol and no extension is
 * agreed: permessage-deflate, which browsers offer, is declined by not answering it.
 *
 * <p>Thread contract: stateless, any thread.
 */
final class WebSocketHandshake {
  private WebSocketHandshake() {}

  /** The answer to {@code request} for the socket: a 101 if the connection switches. */
  static HttpResponse answer(HttpRequest request, List<String> allowedOrigins) {
    if (!request.method().equals("GET")) {
      return refuse(405, "the socket is opened with GET").header("Allow", "GET");
    }
    List<String> hosts = request.headers().all("host");
    if (request.minorVersion() < 1 || hosts.size() != 1) {
      return refuse(400, "a WebSocket upgrade is an HTTP/1.1 request with one Host field");
    }
    if (!request.headers().hasToken("upgrade", "websocket")
        || !request.headers().hasToken("connection", "upgrade")) {
      return refuse(426, "this is a WebSocket endpoint: ask for Upgrade: websocket")
          .header("Upgrade", "websocket")
          .header("Connection", "Upgrade");
    }
    if (!"13".equals(request.headers().get("sec-websocket-version"))) {
      return refuse(426, "this server speaks WebSocket version 13 (RFC 6455)")
          .header("Sec-WebSocket-Version", "13");
    }
    String key = request.headers().get("sec-websocket-key");
    if (key == null || decodedLength(key) != 16) {
      return refuse(400, "Sec-WebSocket-Key must be 16 bytes in base64");
    }
    String origin = request.headers().get("origin");
    if (!WebOrigin.allowed(origin, hosts.get(0), allowedOrigins)) {
      return refuse(
          403,
          "pages from "
              + origin
              + " may not open this chat's socket (serve --web-allow-origin allows others)");
    }
    return HttpResponse.status(101)
        .header("Upgrade", "websocket")
        .header("Connection", "Upgrade")
        .header("Sec-WebSocket-Accept", WebSocket.accept(key));
  }

  /**
   * A refusal, which ends the connection: a client that asked to switch has nothing else to say.
   */
  private static HttpResponse refuse(int status, String why) {
    return HttpResponse.error(status, why).close();
  }

  private static int decodedLength(String key) {
    try {
      return Base64.getDecoder().decode(key.strip()).length;
    } catch (IllegalArgumentException e) {
      return -1;
    }
  }
}
