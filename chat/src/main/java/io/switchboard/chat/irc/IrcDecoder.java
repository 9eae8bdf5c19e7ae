package io.switchboard.chat.irc;

import io.switchboard.engine.Decoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * IRC's framing: lines ended by CR, LF or both (modern IRC asks servers to take a lone LF, and
 * allows a lone CR), each parsed into an {@link IrcInput}. Empty lines are skipped, as the protocol
 * says.
 *
 * <p>Limits, in bytes: the message part of a line is at most {@value #MAX_MESSAGE} (512 with its
 * CRLF), a tags section before it at most {@value #MAX_TAGS} more. A line past those is not an
 * error of framing: its bytes are dropped as they arrive (memory stays bounded by the limit) and,
 * once its end comes, it is handed on as {@link IrcInput.TooLong}, which the front answers with
 * {@code 417} while the client carries on. Nothing a client sends makes this decoder throw.
 *
 * <p>Text is UTF-8; a line that is not valid UTF-8 is read as Latin-1 instead, the fallback modern
 * IRC recommends for old clients, so no byte is lost and none turns into a replacement mark.
 *
 * <p>Not thread-safe: the engine calls it from the connection's handler context only.
 */
public final class IrcDecoder implements Decoder<IrcInput> {
  /** The message part of a line, without CRLF: 512 bytes with it. */
  public static final int MAX_MESSAGE = 510;

  /** The tags section, without its {@code @} and the space after it: 4096 with both. */
  public static final int MAX_TAGS = 4094;

  /** A whole line, without its line end: tags, their space, the message. */
  public static final int MAX_LINE = MAX_TAGS + 2 + MAX_MESSAGE;

  private final int maxLine;
  private final CharsetDecoder utf8 =
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT);

  /** The line being read, {@code length} bytes of it. */
  private byte[] line = new byte[256];

  private int length;

  /** True while the rest of an overlong line is being dropped. */
  private boolean dropping;

  /** Bytes not yet looked at because the sink asked to stop; {@code null} when none. */
  private byte[] kept;

  /** {@link #MAX_LINE}, or less when the engine's frame limit is smaller. */
  public IrcDecoder(int maxLine) {
    if (maxLine <= 0) {
      throw new IllegalArgumentException("maxLine must be positive: " + maxLine);
    }
    this.maxLine = Math.min(maxLine, MAX_LINE);
  }

  @Override
  public void decode(ByteBuffer in, FrameSink<? super IrcInput> sink) {
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

  /** Reads {@code in} byte by byte; false once the sink asked to stop (the rest is left in it). */
  private boolean scan(ByteBuffer in, FrameSink<? super IrcInput> sink) {
    while (in.hasRemaining()) {
      byte b = in.get();
      if (b == '\r' || b == '\n') {
        IrcInput frame = endOfLine();
        if (frame != null && !sink.accept(frame)) {
          return false;
        }
      } else if (dropping) {
        // the rest of an overlong line: dropped as it arrives
      } else if (length == maxLine) {
        dropping = true;
        length = 0;
      } else {
        if (length == line.length) {
          line = Arrays.copyOf(line, Math.min(maxLine, line.length * 2));
        }
        line[length++] = b;
      }
    }
    return true;
  }

  /** The frame a line end completes, or {@code null} for an empty line. */
  private IrcInput endOfLine() {
    if (dropping) {
      dropping = false;
      return new IrcInput.TooLong();
    }
    if (length == 0) {
      return null;
    }
    int size = length;
    length = 0;
    if (line.length > 4096) {
      byte[] big = line;
      line = new byte[256]; // a one-off long line gives its memory back
      return frame(big, size);
    }
    return frame(line, size);
  }

  private IrcInput frame(byte[] bytes, int size) {
    int message = 0;
    if (bytes[0] == '@') {
      int space = indexOf(bytes, (byte) ' ', size);
      if (space > MAX_TAGS + 1) {
        return new IrcInput.TooLong();
      }
      message = space < 0 ? size : space;
      while (message < size && bytes[message] == ' ') {
        message++;
      }
    }
    if (size - message > MAX_MESSAGE) {
      return new IrcInput.TooLong();
    }
    return IrcInput.parse(text(bytes, size));
  }

  private String text(byte[] bytes, int size) {
    try {
      return utf8.reset().decode(ByteBuffer.wrap(bytes, 0, size)).toString();
    } catch (CharacterCodingException e) {
      return new String(bytes, 0, size, StandardCharsets.ISO_8859_1);
    }
  }

  private static int indexOf(byte[] bytes, byte wanted, int size) {
    for (int i = 0; i < size; i++) {
      if (bytes[i] == wanted) {
        return i;
      }
    }
    return -1;
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

  /**
   * True while part of a line has arrived and its end has not (also while an overlong line is being
   * dropped): the engine's frame timeout then runs, so a client that trickles bytes cannot hold its
   * place forever. Lines held back while reading is paused do not count.
   */
  @Override
  public boolean inFrame() {
    return kept == null && (length > 0 || dropping);
  }
}
