package io.switchboard.chat.web;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * RFC 6455 spelled once: the opcodes, the close codes this server uses and accepts, the handshake's
 * accept value, and frames as the server writes them (never masked, never fragmented: a server must
 * not mask, and it has no reason to split a message). The decoder ({@link WebSocketDecoder}) reads
 * what clients send.
 *
 * <p>Thread contract: stateless, any thread.
 */
public final class WebSocket {
  /** The GUID of RFC 6455 §1.3, appended to the client's key for the accept value. */
  static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

  // Opcodes (§5.2).
  static final int CONTINUATION = 0x0;
  static final int TEXT = 0x1;
  static final int BINARY = 0x2;
  static final int CLOSE = 0x8;
  static final int PING = 0x9;
  static final int PONG = 0xA;

  /** A control frame's payload is at most this long (§5.5), a close reason 2 bytes less. */
  static final int MAX_CONTROL_PAYLOAD = 125;

  // Close codes (§7.4.1).
  public static final int NORMAL = 1000;
  public static final int GOING_AWAY = 1001;
  public static final int PROTOCOL_ERROR = 1002;
  public static final int UNSUPPORTED_DATA = 1003;

  /** Never sent: what a Close frame without a code reads as (§7.1.5). */
  public static final int NO_STATUS = 1005;

  public static final int INVALID_DATA = 1007;
  public static final int POLICY_VIOLATION = 1008;
  public static final int TOO_BIG = 1009;
  public static final int INTERNAL_ERROR = 1011;

  private WebSocket() {}

  /**
   * The {@code Sec-WebSocket-Accept} value for a client's {@code Sec-WebSocket-Key} (§4.2.2): the
   * base64 of the SHA-1 of the key and the GUID.
   */
  static String accept(String key) {
    try {
      MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
      byte[] digest = sha1.digest((key + GUID).getBytes(StandardCharsets.US_ASCII));
      return Base64.getEncoder().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-1", e);
    }
  }

  /**
   * A close code a peer may send (§7.4): the ones RFC 6455 defines for the wire (1000 to 1003, 1007
   * to 1011), those IANA registered since (1012 to 1014), and the ranges for libraries and
   * applications (3000 to 4999). 1004, 1005, 1006 and 1015 are never on the wire.
   */
  static boolean isValidCloseCode(int code) {
    return (code >= 1000 && code <= 1003)
        || (code >= 1007 && code <= 1014)
        || (code >= 3000 && code <= 4999);
  }

  /** A text frame of {@code text}, ready to send. */
  public static byte[] text(String text) {
    return text(text.getBytes(StandardCharsets.UTF_8));
  }

  /** A text frame of {@code utf8}, which must be UTF-8 (a JSON message). */
  static byte[] text(byte[] utf8) {
    return frame(true, TEXT, utf8, null);
  }

  /**
   * A Close frame with {@code code} and {@code reason}, cut at a character boundary to fit a
   * control frame.
   */
  public static byte[] close(int code, String reason) {
    byte[] text = fit(reason, MAX_CONTROL_PAYLOAD - 2);
    byte[] payload = new byte[2 + text.length];
    payload[0] = (byte) (code >>> 8);
    payload[1] = (byte) code;
    System.arraycopy(text, 0, payload, 2, text.length);
    return frame(true, CLOSE, payload, null);
  }

  static byte[] ping(byte[] data) {
    return frame(true, PING, data, null);
  }

  static byte[] pong(byte[] data) {
    return frame(true, PONG, data, null);
  }

  /**
   * One frame (§5.2): the header with the shortest length encoding, then the payload, masked with
   * {@code mask} when it is given (only a client masks; the tests use this for their clients).
   *
   * @param mask four bytes, or {@code null} for an unmasked frame
   */
  static byte[] frame(boolean fin, int opcode, byte[] payload, byte[] mask) {
    int length = payload.length;
    int lengthBytes = length <= 125 ? 0 : length <= 0xFFFF ? 2 : 8;
    int header = 2 + lengthBytes + (mask == null ? 0 : 4);
    ByteBuffer out = ByteBuffer.allocate(header + length);
    out.put((byte) ((fin ? 0x80 : 0) | opcode));
    int maskBit = mask == null ? 0 : 0x80;
    if (lengthBytes == 0) {
      out.put((byte) (maskBit | length));
    } else if (lengthBytes == 2) {
      out.put((byte) (maskBit | 126)).putShort((short) length);
    } else {
      out.put((byte) (maskBit | 127)).putLong(length);
    }
    if (mask == null) {
      out.put(payload);
    } else {
      out.put(mask);
      for (int i = 0; i < length; i++) {
        out.put((byte) (payload[i] ^ mask[i & 3]));
      }
    }
    return out.array();
  }

  /** {@code text} as UTF-8, cut to at most {@code most} bytes without splitting a character. */
  private static byte[] fit(String text, int most) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    if (bytes.length <= most) {
      return bytes;
    }
    int end = most;
    while (end > 0 && (bytes[end] & 0xC0) == 0x80) {
      end--; // bytes[end] continues a character: cut before that character starts
    }
    byte[] cut = new byte[end];
    System.arraycopy(bytes, 0, cut, 0, end);
    return cut;
  }
}
