package io.switchboard.http;

/**
 * The one byte range of a {@code Range} field (RFC 9110 §14.1.2) this server honours: {@code
 * bytes=first-last}, {@code bytes=first-} or {@code bytes=-suffix}. Several ranges, or a field that
 * does not parse, are ignored and the whole file is sent (a server may always ignore {@code
 * Range}), which spares the multipart/byteranges machinery and the amplification it invites.
 */
record ByteRange(long first, long last) {
  /** A range that cannot be satisfied: the answer is 416. */
  static final ByteRange UNSATISFIABLE = new ByteRange(-1, -1);

  boolean satisfiable() {
    return first >= 0;
  }

  /**
   * The inclusive span {@code [first, last]} of a file of {@code size} bytes that {@code field}
   * asks for; {@code null} to ignore the field; {@link #UNSATISFIABLE} for a 416.
   */
  static ByteRange parse(String field, long size) {
    String value = field.trim();
    if (!value.regionMatches(true, 0, "bytes=", 0, 6)) {
      return null;
    }
    String spec = value.substring(6).trim();
    if (spec.indexOf(',') >= 0) {
      return null;
    }
    int dash = spec.indexOf('-');
    if (dash < 0) {
      return null;
    }
    String first = spec.substring(0, dash).trim();
    String last = spec.substring(dash + 1).trim();
    if ((!digits(first) && !first.isEmpty()) || (!digits(last) && !last.isEmpty())) {
      return null;
    }
    if (first.isEmpty()) {
      if (last.isEmpty()) {
        return null;
      }
      long suffix = number(last);
      if (suffix == 0 || size == 0) {
        return UNSATISFIABLE;
      }
      return new ByteRange(Math.max(0, size - suffix), size - 1);
    }
    long start = number(first);
    if (!last.isEmpty() && number(last) < start) {
      return null; // invalid: ignored
    }
    if (start >= size) {
      return UNSATISFIABLE;
    }
    long end = last.isEmpty() ? size - 1 : Math.min(number(last), size - 1);
    return new ByteRange(start, end);
  }

  private static boolean digits(String text) {
    return !text.isEmpty()
        && text.length() <= 18
        && text.chars().allMatch(c -> c >= '0' && c <= '9');
  }

  private static long number(String text) {
    return Long.parseLong(text);
  }
}
