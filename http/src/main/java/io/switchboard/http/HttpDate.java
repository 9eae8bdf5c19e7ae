package io.switchboard.http;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * HTTP dates (RFC 9110 §5.6.7): IMF-fixdate out ({@code Sun, 06 Nov 1994 08:49:37 GMT}), and in,
 * the same or the RFC 1123 variants clients still send. The current date is formatted once per
 * second, not once per response.
 *
 * <p>Thread contract: any thread; the cache is one immutable pair behind a volatile field.
 */
public final class HttpDate {
  private static final DateTimeFormatter IMF_FIXDATE =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US)
          .withZone(ZoneOffset.UTC);

  private record Cached(long second, String text) {}

  private static volatile Cached now = new Cached(Long.MIN_VALUE, "");

  private HttpDate() {}

  /** The current time for a {@code Date} header. */
  public static String now() {
    long second = System.currentTimeMillis() / 1000;
    Cached cached = now;
    if (cached.second() != second) {
      cached = new Cached(second, format(second));
      now = cached;
    }
    return cached.text();
  }

  /** {@code epochSecond} as an IMF-fixdate. */
  public static String format(long epochSecond) {
    return IMF_FIXDATE.format(Instant.ofEpochSecond(epochSecond));
  }

  /** The epoch second of an HTTP date, or {@code -1} if {@code text} is not one. */
  public static long parse(String text) {
    if (text == null) {
      return -1;
    }
    try {
      return ZonedDateTime.parse(text.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toEpochSecond();
    } catch (DateTimeParseException e) {
      return -1; // an invalid date is ignored (RFC 9110 §13.1.3)
    }
  }
}
