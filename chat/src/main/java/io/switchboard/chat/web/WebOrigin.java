package io.switchboard.chat.web;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;

/**
 * Whose pages may open the chat's socket: the check of the {@code Origin} a browser sends with the
 * upgrade (RFC 6455 §4.2.1 and §10.2, RFC 6454). A page on another site could otherwise open a
 * socket to this server in its visitor's browser and chat in the visitor's name (cross-site
 * WebSocket hijacking; cookies or a server on the visitor's own network make that worse). By
 * default only the page's own origin may: the {@code Origin}'s host and port must be those of the
 * {@code Host} the browser asked (the same origin, as the page this server serves has). Others are
 * allowed one by one ({@code scheme://host[:port]}, compared with default ports filled in and case
 * ignored), or all with {@code *}.
 *
 * <p>A request without {@code Origin} is not a browser's (every browser sends it with a WebSocket
 * upgrade): a script, {@code websocat}, the tests' raw client. It is let in, since the check
 * protects browsers' users and such a client could send any {@code Origin} it likes anyway.
 *
 * <p>Thread contract: stateless, any thread.
 */
final class WebOrigin {
  /** Allows every origin. */
  static final String ANY = "*";

  private WebOrigin() {}

  /** True if a browser showing a page of {@code origin} may open the socket at {@code host}. */
  static boolean allowed(String origin, String host, List<String> allowedOrigins) {
    if (origin == null) {
      return true;
    }
    String normalized = normalize(origin);
    if (normalized == null) {
      return false; // "null" (a sandboxed or file: page), or not an origin at all
    }
    for (String allowed : allowedOrigins) {
      if (allowed.equals(ANY) || normalized.equals(normalize(allowed))) {
        return true;
      }
    }
    if (host == null) {
      return false;
    }
    String scheme = normalized.substring(0, normalized.indexOf(':'));
    String own = normalize(scheme + "://" + host);
    return normalized.equals(own);
  }

  /** Refuses what cannot be an allowed origin, naming the form expected. */
  static void requireValid(String origin) {
    if (!origin.equals(ANY) && normalize(origin) == null) {
      throw new IllegalArgumentException(
          "not an origin: '"
              + origin
              + "' (expected * or scheme://host[:port], e.g. https://example.org)");
    }
  }

  /**
   * {@code scheme://host:port}, lower case, the scheme's default port filled in; {@code null} for
   * what is not an http(s) origin (a path, user info, a query, another scheme, "null").
   */
  static String normalize(String origin) {
    try {
      URI uri = new URI(origin.strip());
      String scheme = uri.getScheme();
      if (scheme == null || uri.getHost() == null || uri.getRawUserInfo() != null) {
        return null;
      }
      if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
        return null;
      }
      String path = uri.getRawPath();
      if (path != null && !path.isEmpty() && !path.equals("/")) {
        return null;
      }
      scheme = scheme.toLowerCase(Locale.ROOT);
      int port = uri.getPort();
      if (port < 0) {
        port =
            switch (scheme) {
              case "http" -> 80;
              case "https" -> 443;
              default -> -1;
            };
      }
      if (port < 0) {
        return null;
      }
      return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + ":" + port;
    } catch (URISyntaxException e) {
      return null;
    }
  }
}
