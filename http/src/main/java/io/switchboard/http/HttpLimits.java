package io.switchboard.http;

/**
 * The bounds of one request, in one immutable value with sensible {@link #DEFAULT}s (nginx's {@code
 * large_client_header_buffers} and {@code client_max_body_size} in spirit). Each limit is decided
 * at the byte that passes it, with its own status: a request line longer than {@code
 * maxRequestLine} is a 414, a header section larger than {@code maxHeaderBytes} or with more than
 * {@code maxHeaders} fields a 431, a body larger than {@code maxBody} a 413. The decoder never
 * holds more than {@code maxRequestLine + maxHeaderBytes + maxBody} bytes of one request.
 *
 * @param maxRequestLine the longest request line (method, target, version), in bytes
 * @param maxHeaderBytes the largest header section (every field line with its CRLF), in bytes; also
 *     bounds a chunked body's extensions and trailers
 * @param maxHeaders the most header fields one request may carry
 * @param maxBody the largest request body, in bytes (after removing chunked framing)
 */
public record HttpLimits(int maxRequestLine, int maxHeaderBytes, int maxHeaders, int maxBody) {

  public static final HttpLimits DEFAULT = new HttpLimits(8 * 1024, 16 * 1024, 100, 64 * 1024);

  public HttpLimits {
    require(maxRequestLine >= 16, "maxRequestLine must be at least 16: " + maxRequestLine);
    require(maxHeaderBytes > 0, "maxHeaderBytes must be positive: " + maxHeaderBytes);
    require(maxHeaders > 0, "maxHeaders must be positive: " + maxHeaders);
    require(maxBody >= 0, "maxBody must not be negative: " + maxBody);
  }

  public HttpLimits withMaxBody(int value) {
    return new HttpLimits(maxRequestLine, maxHeaderBytes, maxHeaders, value);
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException(message);
    }
  }
}
