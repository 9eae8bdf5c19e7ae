package io.switchboard.engine.codec;

import io.switchboard.engine.Limits;
import java.nio.charset.StandardCharsets;

/**
 * Lines ended by LF or CRLF, decoded as UTF-8 with replacement of malformed bytes (see {@link
 * LineFramer} for the framing and its limit: a line longer than {@code maxLength} is a {@link
 * io.switchboard.engine.FrameException}, "line too long", and the terminator does not count).
 */
public final class LineDecoder extends LineFramer<String> {
  /** A line as text: UTF-8, malformed bytes replaced. */
  public static final Form<String> UTF_8 =
      (bytes, offset, length) -> new String(bytes, offset, length, StandardCharsets.UTF_8);

  public LineDecoder(int maxLength) {
    super(maxLength, UTF_8);
  }

  public LineDecoder(Limits limits) {
    super(limits, UTF_8);
  }
}
