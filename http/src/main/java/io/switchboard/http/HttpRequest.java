package io.switchboard.http;

import java.util.Arrays;
import java.util.Objects;

/**
 * One request as the {@link HttpRequestDecoder} hands it out: the request line, the header fields
 * and the body with any chunked framing removed. Nothing in it is interpreted beyond framing: the
 * target is as sent (percent-encoded), so each route decides how to read it ({@link
 * RequestTarget}).
 *
 * <p>Thread contract: immutable (the body array is not copied: do not change it); any thread.
 *
 * @param method the method token as sent, case-sensitive ({@code GET}, {@code POST})
 * @param target the request-target as sent ({@code /calc?expr=1%2B1}, or an absolute URI)
 * @param minorVersion 0 for HTTP/1.0, 1 for HTTP/1.1 (a higher 1.x is read as 1.1)
 * @param headers the header fields, in order
 * @param body the body; empty when there is none
 */
// The body is an array for the decoder's sake (no copy); equals and hashCode compare its content.
@SuppressWarnings("ArrayRecordComponent")
public record HttpRequest(
    String method, String target, int minorVersion, HttpHeaders headers, byte[] body) {

  private static final byte[] NO_BODY = new byte[0];

  public HttpRequest {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(headers, "headers");
    body = body == null ? NO_BODY : body;
  }

  /** A request without a body, for tests and clients. */
  public static HttpRequest of(String method, String target, HttpHeaders headers) {
    return new HttpRequest(method, target, 1, headers, NO_BODY);
  }

  /**
   * Whether the client lets the connection stay open after the response (RFC 9112 §9.3): HTTP/1.1
   * unless it sent {@code Connection: close}, HTTP/1.0 only if it sent {@code Connection:
   * keep-alive}.
   */
  public boolean keepAlive() {
    if (headers.hasToken("connection", "close")) {
      return false;
    }
    return minorVersion >= 1 || headers.hasToken("connection", "keep-alive");
  }

  /**
   * Whether the client asks to switch protocols ({@code Upgrade} named in {@code Connection}, RFC
   * 9110 §7.8). After such a request the decoder stops parsing until told what the bytes that
   * follow are ({@link HttpRequestDecoder#continueHttp()} or {@link
   * HttpRequestDecoder#switchProtocols()}).
   */
  public boolean upgrade() {
    return headers.contains("upgrade") && headers.hasToken("connection", "upgrade");
  }

  /** {@code HTTP/1.0} or {@code HTTP/1.1}. */
  public String version() {
    return "HTTP/1." + minorVersion;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof HttpRequest that
        && method.equals(that.method)
        && target.equals(that.target)
        && minorVersion == that.minorVersion
        && headers.equals(that.headers)
        && Arrays.equals(body, that.body);
  }

  @Override
  public int hashCode() {
    return Objects.hash(method, target, minorVersion, headers, Arrays.hashCode(body));
  }

  @Override
  public String toString() {
    return method + " " + target + " " + version() + " " + headers + " body=" + body.length;
  }
}
