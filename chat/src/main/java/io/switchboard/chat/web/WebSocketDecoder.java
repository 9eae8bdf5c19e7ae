package io.switchboard.chat.web;

import io.switchboard.engine.Decoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A client's WebSocket frames (RFC 6455 §5) into messages: the header read byte by byte (so it may
 * be split anywhere), the payload unmasked as it arrives, fragments joined into one message,
 * control frames (ping, pong, close) handed out as they come, also between the fragments of a
 * message.
 *
 * <p>Every rule is decided at the byte that breaks it, with the close code that names it ({@link
 * WebSocketException}): an unmasked frame (a client must mask), reserved bits without an extension
 * that defines them, an unknown opcode, a control frame that is fragmented or longer than 125
 * bytes, a continuation with no message to continue or a new message before the last one ended, a
 * 64-bit length with its top bit set, a close frame of one byte or with a code that is not for the
 * wire: 1002. Text that is not UTF-8: 1007, at the first byte that cannot be, even inside a
 * fragment and for a character split across fragments ({@link Utf8Validator}). A message whose
 * fragments add up to more than {@code maxMessage} bytes: 1009, as soon as a frame's header says
 * so, before its payload is read.
 *
 * <p>Memory is bounded: the message being joined never grows past {@code maxMessage}, a control
 * frame's payload is at most 125 bytes, and bytes kept while the handler pauses reading are at most
 * what one read returned.
 *
 * <p>Not thread-safe: the engine calls it from the connection's handler context only.
 */
final class WebSocketDecoder implements Decoder<WebSocketMessage> {
  private static final int NONE = -1;
  private static final byte[] NO_BYTES = new byte[0];

  private final int maxMessage;

  // The frame being read.
  private final byte[] header = new byte[14];
  private int headerLength;
  private int headerNeeded = 2;
  private boolean inPayload;
  private boolean fin;
  private int opcode;
  private long payloadLength;
  private long payloadRead;
  private final byte[] mask = new byte[4];

  // A control frame's payload.
  private final byte[] control = new byte[WebSocket.MAX_CONTROL_PAYLOAD];
  private int controlLength;

  // The message being joined from its fragments.
  private int messageOpcode = NONE;
  private byte[] message = new byte[256];
  private int messageLength;
  private final Utf8Validator utf8 = new Utf8Validator();

  /** Bytes not looked at yet because the sink asked to stop; {@code null} when none. */
  private byte[] kept;

  /**
   * @param maxMessage the largest message accepted, in bytes, its fragments added up
   */
  WebSocketDecoder(int maxMessage) {
    if (maxMessage <= 0) {
      throw new IllegalArgumentException("maxMessage must be positive: " + maxMessage);
    }
    this.maxMessage = maxMessage;
  }

  @Override
  public void decode(ByteBuffer in, FrameSink<? super WebSocketMessage> sink)
      throws WebSocketException {
    if (kept != null) {
      ByteBuffer earlier = ByteBuffer.wrap(kept);
      kept = null;
      if (!scan(earlier, sink)) {
        keep(earlier, in);
        return;
      }
    }
    if (!scan(in, sink)) {
      keep(in, null);
    }
  }

  /**
   * True while a frame has begun and not ended, or a message has begun and its last fragment has
   * not come: the engine's frame timeout then runs, so a client cannot hold a connection by
   * trickling a frame, or by leaving a message open forever. Bytes kept while reading is paused do
   * not count (they wait for the server, not the peer).
   */
  @Override
  public boolean inFrame() {
    return kept == null && (headerLength > 0 || inPayload || messageOpcode != NONE);
  }

  /** Bytes this decoder holds now, for the property test's bound. */
  int heldBytes() {
    return message.length + (kept == null ? 0 : kept.length);
  }

  /** Reads {@code in}; false once the sink asked to stop (the rest is left in {@code in}). */
  private boolean scan(ByteBuffer in, FrameSink<? super WebSocketMessage> sink)
      throws WebSocketException {
    while (in.hasRemaining()) {
      if (inPayload) {
        payload(in);
        if (payloadRead < payloadLength) {
          continue; // in is used up
        }
      } else {
        header[headerLength++] = in.get();
        if (headerLength < headerNeeded || !headerComplete() || payloadLength > 0) {
          continue;
        }
      }
      inPayload = false;
      WebSocketMessage done = frameComplete();
      if (done != null && !sink.accept(done)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Called when {@link #headerNeeded} bytes are in: checks the first two bytes (which say how many
   * follow), then the length and the mask. True once the whole header is read.
   */
  private boolean headerComplete() throws WebSocketException {
    if (headerLength == 2) {
      firstTwoBytes();
      return false; // a client's frame has a mask key at least: more bytes follow
    }
    int lengthBytes = headerNeeded - 6;
    if (lengthBytes == 0) {
      payloadLength = header[1] & 0x7f;
    } else if (lengthBytes == 2) {
      payloadLength = ((header[2] & 0xff) << 8) | (header[3] & 0xff);
    } else {
      payloadLength = ByteBuffer.wrap(header, 2, 8).getLong();
      if (payloadLength < 0) {
        throw protocolError("a 64-bit frame length must have its top bit clear");
      }
    }
    if (opcode < WebSocket.CLOSE && messageLength + payloadLength > maxMessage) {
      throw new WebSocketException(
          WebSocket.TOO_BIG, "a message may be at most " + maxMessage + " bytes");
    }
    System.arraycopy(header, headerNeeded - 4, mask, 0, 4);
    headerLength = 0;
    headerNeeded = 2;
    inPayload = true;
    payloadRead = 0;
    controlLength = 0;
    return true;
  }

  private void firstTwoBytes() throws WebSocketException {
    int first = header[0] & 0xff;
    int second = header[1] & 0xff;
    fin = (first & 0x80) != 0;
    opcode = first & 0x0f;
    if ((first & 0x70) != 0) {
      throw protocolError("reserved bits set, and no extension was agreed");
    }
    if ((second & 0x80) == 0) {
      throw protocolError("a client's frames must be masked");
    }
    int length = second & 0x7f;
    switch (opcode) {
      case WebSocket.CLOSE, WebSocket.PING, WebSocket.PONG -> {
        if (!fin) {
          throw protocolError("a control frame must not be fragmented");
        }
        if (length > WebSocket.MAX_CONTROL_PAYLOAD) {
          throw protocolError("a control frame carries at most 125 bytes");
        }
      }
      case WebSocket.TEXT, WebSocket.BINARY -> {
        if (messageOpcode != NONE) {
          throw protocolError("a new message began before the last one's final fragment");
        }
        messageOpcode = opcode;
      }
      case WebSocket.CONTINUATION -> {
        if (messageOpcode == NONE) {
          throw protocolError("a continuation frame with no message to continue");
        }
      }
      default -> throw protocolError("unknown opcode " + opcode);
    }
    headerNeeded = 2 + (length == 126 ? 2 : length == 127 ? 8 : 0) + 4;
  }

  /** Unmasks what {@code in} holds of the payload into the message or the control frame. */
  private void payload(ByteBuffer in) throws WebSocketException {
    int count = (int) Math.min(in.remaining(), payloadLength - payloadRead);
    boolean isControl = opcode >= WebSocket.CLOSE;
    if (!isControl && messageLength + count > message.length) {
      message =
          Arrays.copyOf(
              message,
              (int) Math.min(maxMessage, Math.max(message.length * 2L, messageLength + count)));
    }
    byte[] target = isControl ? control : message;
    int at = isControl ? controlLength : messageLength;
    boolean text = !isControl && messageOpcode == WebSocket.TEXT;
    for (int i = 0; i < count; i++) {
      int b = (in.get() ^ mask[(int) (payloadRead + i) & 3]) & 0xff;
      if (text && !utf8.accept(b)) {
        throw new WebSocketException(WebSocket.INVALID_DATA, "a text message must be UTF-8");
      }
      target[at + i] = (byte) b;
    }
    payloadRead += count;
    if (isControl) {
      controlLength += count;
    } else {
      messageLength += count;
    }
  }

  /** The message a complete frame ends, or {@code null} if it was a fragment of one. */
  private WebSocketMessage frameComplete() throws WebSocketException {
    switch (opcode) {
      case WebSocket.PING -> {
        return new WebSocketMessage.Ping(Arrays.copyOf(control, controlLength));
      }
      case WebSocket.PONG -> {
        return new WebSocketMessage.Pong(Arrays.copyOf(control, controlLength));
      }
      case WebSocket.CLOSE -> {
        return close();
      }
      default -> {
        if (!fin) {
          return null;
        }
        WebSocketMessage done;
        if (messageOpcode == WebSocket.TEXT) {
          if (!utf8.complete()) {
            throw new WebSocketException(
                WebSocket.INVALID_DATA, "a text message ended inside a UTF-8 character");
          }
          done =
              new WebSocketMessage.Text(
                  new String(message, 0, messageLength, StandardCharsets.UTF_8));
        } else {
          done =
              new WebSocketMessage.Binary(
                  messageLength == 0 ? NO_BYTES : Arrays.copyOf(message, messageLength));
        }
        messageOpcode = NONE;
        messageLength = 0;
        utf8.reset();
        if (message.length > 4096) {
          message = new byte[256]; // a one-off large message gives its memory back
        }
        return done;
      }
    }
  }

  private WebSocketMessage.Close close() throws WebSocketException {
    if (controlLength == 0) {
      return new WebSocketMessage.Close(WebSocket.NO_STATUS, "");
    }
    if (controlLength == 1) {
      throw protocolError("a close frame's payload is empty or starts with a two-byte code");
    }
    int code = ((control[0] & 0xff) << 8) | (control[1] & 0xff);
    if (!WebSocket.isValidCloseCode(code)) {
      throw protocolError("close code " + code + " is not one a peer may send");
    }
    if (!Utf8Validator.isValid(control, 2, controlLength - 2)) {
      throw new WebSocketException(WebSocket.INVALID_DATA, "a close reason must be UTF-8");
    }
    return new WebSocketMessage.Close(
        code, new String(control, 2, controlLength - 2, StandardCharsets.UTF_8));
  }

  private static WebSocketException protocolError(String why) {
    return new WebSocketException(WebSocket.PROTOCOL_ERROR, why);
  }

  /** Keeps what is left of {@code first}, then all of {@code then}, for the next call. */
  private void keep(ByteBuffer first, ByteBuffer then) {
    int more = then == null ? 0 : then.remaining();
    byte[] rest = new byte[first.remaining() + more];
    first.get(rest, 0, first.remaining());
    if (then != null) {
      then.get(rest, rest.length - more, more);
    }
    kept = rest;
  }
}
