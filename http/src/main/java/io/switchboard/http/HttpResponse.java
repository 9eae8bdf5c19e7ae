package io.switchboard.http;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One response: a status, header fields, and a body that is either bytes or a range of a file (sent
 * with zero-copy {@code sendFile} where the model allows). {@link #encodeHead(boolean)} writes the
 * head with {@code Date}, {@code Server} and the framing fields; {@link ResponseQueue} sends heads
 * and bodies in request order. Every response has a {@code Content-Length} (except those that must
 * not: 1xx, 204, 304), so a kept-alive connection always knows where the next response starts.
 *
 * <p>Thread contract: built by one thread, then handed over (to a {@link ResponseQueue}) and not
 * changed.
 */
public final class HttpResponse {
  /** What the {@code Server} field says. */
  public static final String SERVER = "switchboard";

  private static final Map<Integer, String> REASONS =
      Map.ofEntries(
          Map.entry(101, "Switching Protocols"),
          Map.entry(200, "OK"),
          Map.entry(204, "No Content"),
          Map.entry(206, "Partial Content"),
          Map.entry(301, "Moved Permanently"),
          Map.entry(304, "Not Modified"),
          Map.entry(400, "Bad Request"),
          Map.entry(403, "Forbidden"),
          Map.entry(404, "Not Found"),
          Map.entry(405, "Method Not Allowed"),
          Map.entry(408, "Request Timeout"),
          Map.entry(413, "Content Too Large"),
          Map.entry(414, "URI Too Long"),
          Map.entry(415, "Unsupported Media Type"),
          Map.entry(416, "Range Not Satisfiable"),
          Map.entry(431, "Request Header Fields Too Large"),
          Map.entry(500, "Internal Server Error"),
          Map.entry(501, "Not Implemented"),
          Map.entry(503, "Service Unavailable"),
          Map.entry(505, "HTTP Version Not Supported"));

  private final int status;
  private final List<String> fields = new ArrayList<>(16);
  private byte[] body;
  private FileChannel file;
  private long filePosition;
  private long length;
  private boolean headOnly;
  private boolean close;

  private HttpResponse(int status) {
    if (status < 100 || status > 999) {
      throw new IllegalArgumentException("status " + status);
    }
    this.status = status;
  }

  public static HttpResponse status(int status) {
    return new HttpResponse(status);
  }

  /** The standard reason phrase, or "Unknown". */
  public static String reason(int status) {
    return REASONS.getOrDefault(status, "Unknown");
  }

  /**
   * A small HTML page naming the status and what went wrong, for every error this server sends:
   * {@code <h1>404 Not Found</h1><p>no such file: /x</p>}.
   */
  public static HttpResponse error(int status, String message) {
    String title = status + " " + reason(status);
    String page =
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>"
            + title
            + "</title></head>\n<body><h1>"
            + title
            + "</h1>\n<p>"
            + Html.escape(message)
            + "</p></body></html>\n";
    return status(status).body(page, "text/html; charset=utf-8");
  }

  /** Adds a header field (no check for duplicates: the caller knows which fields may repeat). */
  public HttpResponse header(String name, String value) {
    if (containsLineBreak(name) || containsLineBreak(value)) {
      throw new IllegalArgumentException("line break in a header field: " + name);
    }
    fields.add(name);
    fields.add(value);
    return this;
  }

  private static boolean containsLineBreak(String text) {
    return text.indexOf('\r') >= 0 || text.indexOf('\n') >= 0;
  }

  /** The body as UTF-8 text with its content type. */
  public HttpResponse body(String text, String contentType) {
    return body(text.getBytes(StandardCharsets.UTF_8), contentType);
  }

  /** The body as bytes; {@code contentType} may be {@code null} if a field says it already. */
  public HttpResponse body(byte[] bytes, String contentType) {
    if (contentType != null) {
      header("Content-Type", contentType);
    }
    body = bytes;
    file = null;
    length = bytes.length;
    return this;
  }

  /**
   * The body is {@code count} bytes of {@code channel} from {@code position}; the response now owns
   * the channel and the {@link ResponseQueue} closes it once its bytes are written (or the
   * connection is gone).
   */
  public HttpResponse file(FileChannel channel, long position, long count) {
    body = null;
    file = channel;
    filePosition = position;
    length = count;
    return this;
  }

  /**
   * A response to HEAD: the head says what GET would send ({@code Content-Length} included), no
   * body follows (RFC 9110 §9.3.2).
   */
  public HttpResponse headOnly(boolean value) {
    headOnly = value;
    return this;
  }

  /** Ends the connection after this response ({@code Connection: close}). */
  public HttpResponse close() {
    close = true;
    return this;
  }

  public int status() {
    return status;
  }

  public boolean closes() {
    return close;
  }

  /** The first value of header {@code name} (any case), or {@code null}. */
  public String header(String name) {
    for (int i = 0; i < fields.size(); i += 2) {
      if (fields.get(i).equalsIgnoreCase(name)) {
        return fields.get(i + 1);
      }
    }
    return null;
  }

  /** Bytes of body that follow the head on the wire: 0 for HEAD, 1xx, 204 and 304. */
  public long bodyLength() {
    return headOnly || !hasContent() ? 0 : length;
  }

  byte[] bodyBytes() {
    return body;
  }

  FileChannel bodyFile() {
    return file;
  }

  long filePosition() {
    return filePosition;
  }

  private boolean hasContent() {
    return status >= 200 && status != 204 && status != 304;
  }

  /**
   * The status line and header fields, with {@code Date}, {@code Server}, {@code Content-Length}
   * and, when the connection ends after this response, {@code Connection: close}; {@code
   * keepAliveForHttp10} adds {@code Connection: keep-alive} for an HTTP/1.0 client that asked for
   * it. ISO-8859-1, as field values are (RFC 9110 §5.5).
   */
  public ByteBuffer encodeHead(boolean keepAliveForHttp10) {
    StringBuilder head = new StringBuilder(256);
    head.append("HTTP/1.1 ").append(status).append(' ').append(reason(status)).append("\r\n");
    head.append("Date: ").append(HttpDate.now()).append("\r\n");
    head.append("Server: ").append(SERVER).append("\r\n");
    for (int i = 0; i < fields.size(); i += 2) {
      head.append(fields.get(i)).append(": ").append(fields.get(i + 1)).append("\r\n");
    }
    if (hasContent() && header("Content-Length") == null) {
      head.append("Content-Length: ").append(length).append("\r\n");
    }
    if (close) {
      head.append("Connection: close\r\n");
    } else if (keepAliveForHttp10) {
      head.append("Connection: keep-alive\r\n");
    }
    head.append("\r\n");
    return ByteBuffer.wrap(head.toString().getBytes(StandardCharsets.ISO_8859_1));
  }

  @Override
  public String toString() {
    return status + " " + reason(status) + " length=" + length;
  }
}
