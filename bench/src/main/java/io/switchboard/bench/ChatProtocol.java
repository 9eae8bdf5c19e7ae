package io.switchboard.bench;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The few chat-protocol lines the fanout scenario speaks, kept in one place so they can follow
 * the chat app's protocol (docs/chat-protocol.md). The defaults are IRC's: {@code NICK}, {@code
 * USER}, {@code JOIN #bench}, {@code PRIVMSG #bench :text}, and {@code PONG} to a {@code PING}.
 *
 * <p>Deliveries are recognised by a marker inside the text ({@code bench:<nanoTime>}), found
 * anywhere in a received line, so the bench does not depend on how the server formats a
 * delivered message (prefixes, nick, room). The clock is the load generator's own {@link
 * System#nanoTime()}: senders and receivers live in the same process.
 *
 * <p>Thread contract: stateless; safe from any thread.
 */
final class ChatProtocol {
  private ChatProtocol() {}

  static final String ROOM = "#bench";
  private static final byte[] STAMP = "bench:".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] SYNC = "bench-sync".getBytes(StandardCharsets.US_ASCII);
  /** Pads messages to about the echo scenario's 64 bytes on the wire. */
  private static final String PADDING = "x".repeat(16);

  /** What a client sends after connecting to become a member of the room. */
  static ByteBuffer join(String nick) {
    return ascii("NICK " + nick + "\r\nUSER " + nick + " 0 * :" + nick + "\r\nJOIN " + ROOM
        + "\r\n");
  }

  /** A message to the room carrying its send time. */
  static ByteBuffer stamped(long nanos) {
    return say("bench:" + nanos + " " + PADDING);
  }

  /** A message that tells the bench a member hears the room (sent until all members heard it). */
  static ByteBuffer sync() {
    return say("bench-sync");
  }

  private static ByteBuffer say(String text) {
    return ascii("PRIVMSG " + ROOM + " :" + text + "\r\n");
  }

  /** The answer a received line needs (a PONG to a PING), or {@code null}. */
  static ByteBuffer answer(byte[] bytes, int start, int length) {
    if (length >= 4 && bytes[start] == 'P' && bytes[start + 1] == 'I' && bytes[start + 2] == 'N'
        && bytes[start + 3] == 'G') {
      return ascii("PONG" + new String(bytes, start + 4, length - 4, StandardCharsets.UTF_8)
          + "\r\n");
    }
    return null;
  }

  /** The send time in a delivered line, or -1 if the line carries none. */
  static long stampOf(byte[] bytes, int start, int length) {
    int at = indexOf(bytes, start, start + length, STAMP);
    if (at < 0) {
      return -1;
    }
    long value = 0;
    int digits = 0;
    for (int i = at + STAMP.length; i < start + length && bytes[i] >= '0' && bytes[i] <= '9';
        i++) {
      value = value * 10 + (bytes[i] - '0');
      digits++;
    }
    return digits == 0 ? -1 : value;
  }

  static boolean isSync(byte[] bytes, int start, int length) {
    return indexOf(bytes, start, start + length, SYNC) >= 0;
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

  private static ByteBuffer ascii(String text) {
    return ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
  }
}
