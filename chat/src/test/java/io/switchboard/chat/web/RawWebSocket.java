package io.switchboard.chat.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.testkit.Await;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.function.Predicate;

/**
 * A WebSocket client over a plain socket, written for the tests byte by byte so they can also send
 * what a real client never would (unmasked frames, bad UTF-8, oversized messages, a frame cut in
 * the middle): the opening handshake as raw HTTP, frames out (masked or not, fragmented as asked),
 * frames in with a deadline, and the chat's JSON on top ({@link #say}, {@link #until}).
 *
 * <p>Thread contract: one thread at a time.
 */
final class RawWebSocket implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final int SHOWN = 20;

  /** A frame as the server sent it. */
  record Frame(boolean fin, int opcode, byte[] payload) {
    String text() {
      return new String(payload, StandardCharsets.UTF_8);
    }

    /** A Close frame's code (1005 when it has none). */
    int closeCode() {
      return payload.length < 2
          ? WebSocket.NO_STATUS
          : ((payload[0] & 0xff) << 8) | (payload[1] & 0xff);
    }

    String closeReason() {
      return payload.length < 2
          ? ""
          : new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8);
    }
  }

  final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private final ArrayDeque<String> recent = new ArrayDeque<>(SHOWN);

  private RawWebSocket(Socket socket) throws IOException {
    this.socket = socket;
    this.in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
    this.out = socket.getOutputStream();
    socket.setSoTimeout((int) Await.DEFAULT.toMillis());
  }

  /** A TCP connection, nothing said yet; {@code receiveBuffer} 0 for the default. */
  static RawWebSocket connect(InetSocketAddress address, int receiveBuffer) {
    try {
      Socket socket = new Socket();
      socket.setTcpNoDelay(true);
      if (receiveBuffer > 0) {
        socket.setReceiveBufferSize(receiveBuffer);
      }
      socket.connect(address, (int) Await.DEFAULT.toMillis());
      return new RawWebSocket(socket);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot connect to " + address, e);
    }
  }

  /** Connects and completes the opening handshake (no Origin: not a browser). */
  static RawWebSocket open(InetSocketAddress address) {
    return open(address, 0);
  }

  static RawWebSocket open(InetSocketAddress address, int receiveBuffer) {
    RawWebSocket client = connect(address, receiveBuffer);
    String key = key();
    String head = client.request(upgrade(address, key, ""));
    if (!head.startsWith("HTTP/1.1 101 ")
        || !head.contains("\r\nSec-WebSocket-Accept: " + WebSocket.accept(key) + "\r\n")) {
      throw new AssertionError("no switch to WebSocket: " + head);
    }
    return client;
  }

  /** A fresh Sec-WebSocket-Key: 16 random bytes in base64. */
  static String key() {
    byte[] nonce = new byte[16];
    RANDOM.nextBytes(nonce);
    return Base64.getEncoder().encodeToString(nonce);
  }

  /** An upgrade request for the socket, with {@code extra} header lines (each ending in CRLF). */
  static String upgrade(InetSocketAddress address, String key, String extra) {
    return "GET /socket HTTP/1.1\r\nHost: 127.0.0.1:"
        + address.getPort()
        + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: "
        + key
        + "\r\nSec-WebSocket-Version: 13\r\n"
        + extra
        + "\r\n";
  }

  /** Sends a raw HTTP request and returns the response head (status line and fields). */
  String request(String request) {
    write(request.getBytes(StandardCharsets.ISO_8859_1));
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    try {
      while (true) {
        int b = in.read();
        if (b < 0) {
          throw new EOFException("closed inside a response head: " + head);
        }
        head.write(b);
        byte[] so = head.toByteArray();
        int n = so.length;
        if (n >= 4
            && so[n - 4] == '\r'
            && so[n - 3] == '\n'
            && so[n - 2] == '\r'
            && so[n - 1] == '\n') {
          return head.toString(StandardCharsets.ISO_8859_1);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The body that follows a head with {@code Content-Length}. */
  String body(String head) {
    int at = head.toLowerCase(java.util.Locale.ROOT).indexOf("content-length: ");
    int end = head.indexOf("\r\n", at);
    int length = Integer.parseInt(head.substring(at + 16, end).strip());
    return new String(readBytes(length), StandardCharsets.UTF_8);
  }

  // ---- Out ------------------------------------------------------------------------------------

  RawWebSocket write(byte[] bytes) {
    try {
      out.write(bytes);
      out.flush();
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One frame, masked with a random key as a client must (or not, to break the rule). */
  RawWebSocket send(boolean fin, int opcode, byte[] payload, boolean masked) {
    byte[] mask = null;
    if (masked) {
      mask = new byte[4];
      RANDOM.nextBytes(mask);
    }
    return write(WebSocket.frame(fin, opcode, payload, mask));
  }

  RawWebSocket sendText(String text) {
    return send(true, WebSocket.TEXT, text.getBytes(StandardCharsets.UTF_8), true);
  }

  /** What the page sends when its user types {@code line} in the room the member talks in. */
  RawWebSocket say(String line) {
    return sendText(WebFormat.line(line, null, null));
  }

  /** {@code line} typed in the conversation of {@code room}. */
  RawWebSocket sayIn(String room, String line) {
    return sendText(WebFormat.line(line, room, null));
  }

  RawWebSocket close(int code, String reason) {
    byte[] reasonBytes = reason.getBytes(StandardCharsets.UTF_8);
    byte[] payload = new byte[2 + reasonBytes.length];
    payload[0] = (byte) (code >>> 8);
    payload[1] = (byte) code;
    System.arraycopy(reasonBytes, 0, payload, 2, reasonBytes.length);
    return send(true, WebSocket.CLOSE, payload, true);
  }

  // ---- In -------------------------------------------------------------------------------------

  /** The next frame; fails if none comes within the default deadline or the connection ends. */
  Frame read() {
    byte[] head = readBytes(2);
    boolean fin = (head[0] & 0x80) != 0;
    int opcode = head[0] & 0x0f;
    if ((head[1] & 0x80) != 0) {
      throw new AssertionError("the server masked a frame");
    }
    long length = head[1] & 0x7f;
    if (length == 126) {
      byte[] more = readBytes(2);
      length = ((more[0] & 0xff) << 8) | (more[1] & 0xff);
    } else if (length == 127) {
      byte[] more = readBytes(8);
      length = 0;
      for (byte b : more) {
        length = (length << 8) | (b & 0xff);
      }
    }
    Frame frame = new Frame(fin, opcode, readBytes((int) length));
    remember(
        opcode == WebSocket.TEXT
            ? frame.text()
            : "opcode " + opcode + " " + frame.payload().length + " bytes");
    return frame;
  }

  /** The next JSON message, answering the server's pings on the way (as a browser does). */
  JsonNode message() {
    while (true) {
      Frame frame = read();
      switch (frame.opcode()) {
        case WebSocket.TEXT -> {
          try {
            return JSON.readTree(frame.payload());
          } catch (IOException e) {
            throw new AssertionError("not JSON: " + frame.text(), e);
          }
        }
        case WebSocket.PING -> send(true, WebSocket.PONG, frame.payload(), true);
        case WebSocket.CLOSE ->
            throw new AssertionError(
                "closed ("
                    + frame.closeCode()
                    + " "
                    + frame.closeReason()
                    + ") while a message was expected; "
                    + recent);
        default -> throw new AssertionError("unexpected opcode " + frame.opcode());
      }
    }
  }

  /** Reads messages until one matches; returns it. */
  JsonNode until(Predicate<JsonNode> wanted) {
    for (JsonNode message = message(); ; message = message()) {
      if (wanted.test(message)) {
        return message;
      }
    }
  }

  /** Reads messages until one of {@code type}; returns it. */
  JsonNode until(String type) {
    return until(message -> type.equals(message.path("type").asText()));
  }

  /** Reads frames until the server's Close (skipping messages); returns it. */
  Frame untilClose() {
    for (Frame frame = read(); ; frame = read()) {
      if (frame.opcode() == WebSocket.CLOSE) {
        return frame;
      }
    }
  }

  /**
   * True if the server closes the TCP connection within {@code deadline} (anything else read is
   * skipped).
   */
  boolean closedByServer(Duration deadline) {
    try {
      socket.setSoTimeout((int) deadline.toMillis());
      byte[] buffer = new byte[8192];
      while (in.read(buffer) >= 0) {
        // skip whatever is still on its way
      }
      return true;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true; // a reset ends it too
    } finally {
      try {
        socket.setSoTimeout((int) Await.DEFAULT.toMillis());
      } catch (IOException e) {
        // closed already
      }
    }
  }

  byte[] readBytes(int count) {
    byte[] bytes = new byte[count];
    try {
      int at = 0;
      while (at < count) {
        int n = in.read(bytes, at, count - at);
        if (n < 0) {
          throw new AssertionError(
              "connection closed while " + count + " bytes were expected; " + recent);
        }
        at += n;
      }
      return bytes;
    } catch (SocketTimeoutException e) {
      throw new AssertionError("nothing within " + Await.DEFAULT + "; " + recent, e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void remember(String what) {
    if (recent.size() == SHOWN) {
      recent.removeFirst();
    }
    recent.addLast(what);
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      // closing a test's socket: nothing to do
    }
  }
}
