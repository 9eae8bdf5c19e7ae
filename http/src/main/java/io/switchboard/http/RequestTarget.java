package io.switchboard.http;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A request-target read as a path and a query (RFC 9112 §3.2, RFC 3986): percent-decoded, checked
 * and normalized in one place, so no route can forget a rule. The decoded path is a list of plain
 * segments that can be joined under a root without leaving it: {@code .} and empty segments are
 * dropped, {@code ..} removes the segment before it, and anything that could mean something else to
 * a file system or a later decoder is refused with a 400: a {@code ..} above the root, an encoded
 * slash ({@code %2F}) or backslash (raw or {@code %5C}), a NUL or other control byte, invalid
 * percent-encoding, bytes that are not valid UTF-8 (overlong forms such as {@code %C0%AE}
 * included).
 *
 * <p>Thread contract: immutable; any thread.
 *
 * @param segments the decoded, normalized path segments (none for {@code /})
 * @param directory true when the path ends with a slash ({@code /docs/})
 * @param query the raw query after {@code ?}, or {@code null}
 */
public record RequestTarget(List<String> segments, boolean directory, String query) {

  public RequestTarget {
    segments = List.copyOf(segments);
  }

  /** Reads an origin-form ({@code /a/b?q}) or absolute-form ({@code http://h/a/b?q}) target. */
  public static RequestTarget parse(String target) throws HttpStatusException {
    String rest = target;
    int scheme = rest.indexOf("://");
    if (scheme > 0 && (rest.startsWith("http://") || rest.startsWith("https://"))) {
      int slash = rest.indexOf('/', scheme + 3);
      rest = slash < 0 ? "/" : rest.substring(slash);
    }
    if (!rest.startsWith("/")) {
      throw new HttpStatusException(400, "the request target must be a path");
    }
    if (rest.indexOf('#') >= 0) {
      throw new HttpStatusException(400, "a fragment (#) has no place in a request");
    }
    int question = rest.indexOf('?');
    String query = question < 0 ? null : rest.substring(question + 1);
    String rawPath = question < 0 ? rest : rest.substring(0, question);
    List<String> segments = new ArrayList<>();
    String[] parts = rawPath.split("/", -1);
    for (int i = 1; i < parts.length; i++) {
      String segment = decodeSegment(parts[i]);
      if (segment.isEmpty() || segment.equals(".")) {
        continue;
      }
      if (segment.equals("..")) {
        if (segments.isEmpty()) {
          throw new HttpStatusException(400, "the path leaves the root");
        }
        segments.remove(segments.size() - 1);
      } else {
        segments.add(segment);
      }
    }
    String last = parts[parts.length - 1];
    boolean directory =
        segments.isEmpty() || last.isEmpty() || last.equals(".") || last.equals("..");
    return new RequestTarget(segments, directory, query);
  }

  /** The normalized path, decoded: {@code /docs/} or {@code /docs/a b.md}. */
  public String path() {
    String joined = "/" + String.join("/", segments);
    return directory && !segments.isEmpty() ? joined + "/" : joined;
  }

  /** The normalized path percent-encoded again, fit for a {@code Location} or a link. */
  public String encodedPath() {
    StringBuilder out = new StringBuilder();
    for (String segment : segments) {
      out.append('/').append(encodeSegment(segment));
    }
    return directory || segments.isEmpty() ? out.append('/').toString() : out.toString();
  }

  private static String decodeSegment(String raw) throws HttpStatusException {
    if (raw.indexOf('%') < 0 && raw.indexOf('\\') < 0) {
      return raw; // the request decoder let only visible ASCII through
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      int b = c;
      if (c == '%') {
        int high = i + 2 < raw.length() ? Character.digit(raw.charAt(i + 1), 16) : -1;
        int low = high >= 0 ? Character.digit(raw.charAt(i + 2), 16) : -1;
        if (low < 0) {
          throw new HttpStatusException(400, "invalid percent-encoding in the path");
        }
        b = high * 16 + low;
        i += 2;
        if (b == '/') {
          throw new HttpStatusException(400, "an encoded slash (%2F) in the path");
        }
      }
      if (b == '\\') {
        throw new HttpStatusException(400, "a backslash in the path");
      }
      if (b < 0x20 || b == 0x7f) {
        throw new HttpStatusException(400, "a control character in the path");
      }
      bytes.write(b);
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes.toByteArray()))
          .toString();
    } catch (CharacterCodingException e) {
      throw new HttpStatusException(400, "the path is not valid UTF-8");
    }
  }

  /** Percent-encodes all but RFC 3986's unreserved characters and a few safe sub-delims. */
  static String encodeSegment(String segment) {
    StringBuilder out = new StringBuilder(segment.length());
    for (byte b : segment.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if ((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || "-._~!$&'()*+,;=:@".indexOf(c) >= 0) {
        out.append((char) c);
      } else {
        out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)));
        out.append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
      }
    }
    return out.toString();
  }
}
