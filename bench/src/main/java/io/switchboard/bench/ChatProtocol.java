package io.switchboard.bench;

import io.switchboard.chat.line.LineFormat;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * What the fanout scenario says in the chat hub's line protocol, spelled by the protocol's own
 * {@link LineFormat}: {@code /leave} (the default room every client is put in on connect, so the
 * bench's members do not hear each other arrive there), {@code /nick NAME}, {@code /join bench},
 * then plain lines, which are messages to the current room.
 *
 * <p>Deliveries are recognised by a marker inside the text ({@code bench:<nanoTime>}), found
 * anywhere in a received line ({@code #bench <s105> bench:123... xxx}), so the bench does not
 * depend on how the server formats a delivered message; the server's own lines (replies {@code = },
 * notices {@code # ... -- }, errors {@code ! }) carry no marker and are ignored. The clock is the
 * load generator's own {@link System#nanoTime()}: senders and receivers live in the same process.
 *
 * <p>Thread contract: stateless; safe from any thread.
 */
final class ChatProtocol {
  private ChatProtocol() {}

  static final String ROOM = "bench";
  private static final byte[] STAMP = "bench:".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] SYNC = "bench-sync".getBytes(StandardCharsets.US_ASCII);

  /** Pads messages to about the echo scenario's 64 bytes on the wire. */
  private static final String PADDING = "x".repeat(32);

  private static final String EOL = "\r\n";
  private static final byte[] ERROR = LineFormat.ERROR.getBytes(StandardCharsets.US_ASCII);
  private static final byte[] WELCOME = utf8(LineFormat.welcome().substring(0, 9)); // "= welcome"
  private static final byte[] REFUSAL =
      utf8(LineFormat.error(LineFormat.SERVER_FULL, "").strip()); // "! server-full"

  /** What a client sends after connecting to become a member of the room, named {@code nick}. */
  static ByteBuffer join(String nick) {
    return join(nick, ROOM);
  }

  /** The same for the room called {@code room}. */
  static ByteBuffer join(String nick, String room) {
    return ascii(
        LineFormat.command(LineFormat.LEAVE, null)
            + EOL
            + LineFormat.command(LineFormat.NICK, nick)
            + EOL
            + LineFormat.command(LineFormat.JOIN, room)
            + EOL);
  }

  /** Says goodbye; the hub answers and closes the connection. */
  static ByteBuffer quit() {
    return ascii(LineFormat.command(LineFormat.QUIT, null) + EOL);
  }

  /** True for the hub's answer to a join of {@code room} ({@code = joined #room, ...}). */
  static boolean isJoined(byte[] bytes, int start, int length, String room) {
    return startsWith(bytes, start, length, utf8(LineFormat.reply("joined #" + room + ",")));
  }

  /** True for the hub's first line to a client it admitted. */
  static boolean isWelcome(byte[] bytes, int start, int length) {
    return startsWith(bytes, start, length, WELCOME);
  }

  /** True for the line a client gets when the hub has no place for it. */
  static boolean isRefusal(byte[] bytes, int start, int length) {
    return startsWith(bytes, start, length, REFUSAL);
  }

  /** A message to the room carrying its send time. */
  static ByteBuffer stamped(long nanos) {
    return ascii("bench:" + nanos + " " + PADDING + "\r\n");
  }

  /** A message that tells the bench a member hears the room (sent until all members heard it). */
  static ByteBuffer sync() {
    return ascii("bench-sync\r\n");
  }

  /** The send time in a delivered line, or -1 if the line carries none. */
  static long stampOf(byte[] bytes, int start, int length) {
    int at = indexOf(bytes, start, start + length, STAMP);
    if (at < 0) {
      return -1;
    }
    long value = 0;
    int digits = 0;
    for (int i = at + STAMP.length; i < start + length && bytes[i] >= '0' && bytes[i] <= '9'; i++) {
      value = value * 10 + (bytes[i] - '0');
      digits++;
    }
    return digits == 0 ? -1 : value;
  }

  static boolean isSync(byte[] bytes, int start, int length) {
    return indexOf(bytes, start, start + length, SYNC) >= 0;
  }

  /** True for the hub's error lines ({@code ! code text}), e.g. {@code ! flood}. */
  static boolean isError(byte[] bytes, int start, int length) {
    return startsWith(bytes, start, length, ERROR);
  }

  private static boolean startsWith(byte[] bytes, int start, int length, byte[] prefix) {
    return length >= prefix.length && indexOf(bytes, start, start + prefix.length, prefix) == start;
  }

  private static int indexOf(byte[] bytes, int from, int to, byte[] wanted) {
    outer:
    for (int i = from; i <= to - wanted.length; i++) {
      for (int j = 0; j < wanted.length; j++) {
        if (bytes[i + j] != wanted[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static ByteBuffer ascii(String text) {
    return ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII));
  }
}
