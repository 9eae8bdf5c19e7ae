package io.switchboard.chat.web;

/**
 * Checks a byte stream as UTF-8 (RFC 3629) one byte at a time, so a WebSocket text message is
 * refused at the first byte that cannot be UTF-8, even in the middle of a fragment, as RFC 6455
 * §8.1 asks ("fail the connection" as soon as it is not), and a character split across fragments or
 * reads is followed across them. Refused: bytes that never occur (C0, C1, F5 to FF), a continuation
 * byte out of place, overlong forms (E0 80..9F, F0 80..8F), surrogates (ED A0..BF), code points
 * above U+10FFFF (F4 90..). The same rules as the JDK's strict decoder, which the property test
 * compares it with.
 *
 * <p>Not thread-safe: one per decoder.
 */
final class Utf8Validator {
  /** Continuation bytes the character in progress still needs. */
  private int needed;

  /** The range the next continuation byte must fall in (narrower right after some lead bytes). */
  private int lowest = 0x80;

  private int highest = 0xBF;

  /** Takes one byte; false if the stream can no longer be UTF-8 (the validator is then spent). */
  boolean accept(int b) {
    if (needed == 0) {
      if (b < 0x80) {
        return true;
      }
      if (b >= 0xC2 && b <= 0xDF) {
        needed = 1;
      } else if (b >= 0xE0 && b <= 0xEF) {
        needed = 2;
        lowest = b == 0xE0 ? 0xA0 : 0x80; // E0 80..9F would be overlong
        highest = b == 0xED ? 0x9F : 0xBF; // ED A0..BF would be a surrogate
      } else if (b >= 0xF0 && b <= 0xF4) {
        needed = 3;
        lowest = b == 0xF0 ? 0x90 : 0x80; // F0 80..8F would be overlong
        highest = b == 0xF4 ? 0x8F : 0xBF; // F4 90.. would pass U+10FFFF
      } else {
        return false;
      }
      return true;
    }
    if (b < lowest || b > highest) {
      return false;
    }
    needed--;
    lowest = 0x80;
    highest = 0xBF;
    return true;
  }

  /** True when no character is left half-way (the end of a message may come here). */
  boolean complete() {
    return needed == 0;
  }

  void reset() {
    needed = 0;
    lowest = 0x80;
    highest = 0xBF;
  }

  /** True if {@code length} bytes of {@code bytes} from {@code offset} are whole UTF-8. */
  static boolean isValid(byte[] bytes, int offset, int length) {
    Utf8Validator validator = new Utf8Validator();
    for (int i = offset; i < offset + length; i++) {
      if (!validator.accept(bytes[i] & 0xff)) {
        return false;
      }
    }
    return validator.complete();
  }
}
