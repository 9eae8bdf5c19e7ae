package io.switchboard.chat.web;

import io.switchboard.http.HttpLimits;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The browser front's own policy in one immutable value (the hub's, such as the flood limit, is the
 * hub's {@code ChatSettings}, shared by every front).
 *
 * @param allowedOrigins the pages on other origins that may open the socket (a browser names its
 *     page's origin in {@code Origin}): none by default, so only the page this server serves may;
 *     {@code *} lets any page (see {@link WebOrigin})
 * @param pingInterval a socket silent this long is sent a ping
 * @param pingTimeout a socket that stays silent this long after the ping is closed
 * @param closeTimeout after the server's Close frame, how long it waits for the client's before it
 *     closes the connection anyway
 * @param pageIdleTimeout a connection that has not switched to WebSocket and has asked for nothing
 *     this long is closed (a browser keeps one open after loading the page, and opens another when
 *     it needs one); the chat's own connections have no idle timeout, so this is the front's
 * @param maxMessageBytes the largest message a client may send (its fragments added up); a larger
 *     one fails the connection with 1009
 * @param httpLimits the bounds of one HTTP request (the page's files and the upgrade)
 */
public record WebSettings(
    List<String> allowedOrigins,
    Duration pingInterval,
    Duration pingTimeout,
    Duration closeTimeout,
    Duration pageIdleTimeout,
    int maxMessageBytes,
    HttpLimits httpLimits) {

  /**
   * Only the page's own origin; a ping after 30 s of silence (under the 60 s after which common
   * proxies drop a quiet connection), closed 30 s later without an answer; 5 s for the closing
   * handshake; page connections idle for 60 s closed (as the web server's); messages up to 16 KiB
   * (a chat line is at most 2,000 bytes, and JSON escaping can make one several times longer); the
   * web server's request limits.
   */
  public static final WebSettings DEFAULT =
      new WebSettings(
          List.of(),
          Duration.ofSeconds(30),
          Duration.ofSeconds(30),
          Duration.ofSeconds(5),
          Duration.ofSeconds(60),
          16 * 1024,
          HttpLimits.DEFAULT);

  public WebSettings {
    allowedOrigins = List.copyOf(allowedOrigins);
    for (String origin : allowedOrigins) {
      WebOrigin.requireValid(origin);
    }
    Objects.requireNonNull(pingInterval, "pingInterval");
    Objects.requireNonNull(pingTimeout, "pingTimeout");
    Objects.requireNonNull(closeTimeout, "closeTimeout");
    Objects.requireNonNull(pageIdleTimeout, "pageIdleTimeout");
    Objects.requireNonNull(httpLimits, "httpLimits");
    for (Duration d : List.of(pingInterval, pingTimeout, closeTimeout, pageIdleTimeout)) {
      if (!d.isPositive()) {
        throw new IllegalArgumentException("the browser front's timeouts must be positive: " + d);
      }
    }
    if (maxMessageBytes <= 0) {
      throw new IllegalArgumentException("maxMessageBytes must be positive: " + maxMessageBytes);
    }
  }

  /**
   * @throws IllegalArgumentException for an origin that is neither {@code *} nor {@code
   *     scheme://host[:port]}
   */
  public WebSettings withAllowedOrigins(List<String> value) {
    return new WebSettings(
        value,
        pingInterval,
        pingTimeout,
        closeTimeout,
        pageIdleTimeout,
        maxMessageBytes,
        httpLimits);
  }

  public WebSettings withPing(Duration interval, Duration timeout) {
    return new WebSettings(
        allowedOrigins,
        interval,
        timeout,
        closeTimeout,
        pageIdleTimeout,
        maxMessageBytes,
        httpLimits);
  }

  public WebSettings withCloseTimeout(Duration value) {
    return new WebSettings(
        allowedOrigins,
        pingInterval,
        pingTimeout,
        value,
        pageIdleTimeout,
        maxMessageBytes,
        httpLimits);
  }

  public WebSettings withPageIdleTimeout(Duration value) {
    return new WebSettings(
        allowedOrigins,
        pingInterval,
        pingTimeout,
        closeTimeout,
        value,
        maxMessageBytes,
        httpLimits);
  }

  /**
   * These settings with room in a message for a line of {@code maxLineBytes} (the hub's line
   * limit), so a line the hub takes is never refused by the socket first: eight times it, for
   * JSON's escapes and the fields around the line, and never less than {@link #DEFAULT}'s.
   */
  public WebSettings withRoomForLines(int maxLineBytes) {
    long wanted = Math.max(DEFAULT.maxMessageBytes, 8L * maxLineBytes);
    return withMaxMessageBytes((int) Math.min(wanted, Integer.MAX_VALUE - 8));
  }

  public WebSettings withMaxMessageBytes(int value) {
    return new WebSettings(
        allowedOrigins,
        pingInterval,
        pingTimeout,
        closeTimeout,
        pageIdleTimeout,
        value,
        httpLimits);
  }
}
