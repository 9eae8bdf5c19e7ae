package io.switchboard.http;

import io.switchboard.engine.Decoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * HTTP/1.1 requests from bytes (RFC 9112): a byte-at-a-time state machine over the request line,
 * the header section and the body, in the shape of nginx's {@code ngx_http_parse_request_line} and
 * Netty's {@code HttpObjectDecoder}. Every rule is decided at the byte that breaks it, with the
 * status that names it ({@link HttpStatusException}): 400 for bad syntax and for framing that can
 * no longer be trusted (a bare CR, obs-fold, whitespace before a colon, a bad or doubled {@code
 * Content-Length}, {@code Transfer-Encoding} together with {@code Content-Length} or in HTTP/1.0, a
 * bad chunk), 414 when the request line passes {@link HttpLimits#maxRequestLine()}, 431 when the
 * header section passes {@link HttpLimits#maxHeaderBytes()} or {@link HttpLimits#maxHeaders()}, 413
 * when a body passes {@link HttpLimits#maxBody()}, 501 for a transfer coding other than chunked,
 * 505 for a version other than HTTP/1.x. Memory is bounded by those limits: the head is kept in one
 * buffer that never grows past them, a body in one array of its declared (or, chunked, bounded)
 * size.
 *
 * <p>It keeps a partial request across reads and hands out every complete request of a read, in
 * order (pipelining). Bodies are read whole (this server's bodies are small forms); {@code
 * Content-Length} and {@code chunked} are both understood. Up to two empty lines before a request
 * are skipped (RFC 9112 §2.2); a lone LF ends a line as CRLF does, a lone CR is refused.
 *
 * <p><b>Switching protocols.</b> A decoder made with {@code stopAtUpgrade} stops after handing out
 * a request that asks to upgrade ({@link HttpRequest#upgrade()}) and keeps the bytes that follow
 * untouched: the front that owns it then calls {@link #switchProtocols()} to take them (after it
 * sent {@code 101 Switching Protocols}, they are the new protocol's) or {@link #continueHttp()} to
 * go on parsing HTTP. A plain server ignores {@code Upgrade}, as RFC 9110 §7.8 allows (curl's
 * {@code --http2} asks for h2c on every request). docs/http.md shows the composing decoder.
 *
 * <p>Thread contract: not thread-safe; the engine calls it from the connection's handler context
 * only (see {@link Decoder}).
 */
public final class HttpRequestDecoder implements Decoder<HttpRequest> {
  private static final byte CR = '\r';
  private static final byte LF = '\n';
  private static final byte SP = ' ';
  private static final byte HTAB = '\t';

  /** A method longer than this is none this server (or any registered one) implements. */
  static final int MAX_METHOD = 32;

  /** Empty lines skipped before a request line; more is not a client talking HTTP. */
  private static final int MAX_EMPTY_LINES = 2;

  // States. START waits for a request; the rest are inside one.
  private static final int START = 0;
  private static final int START_CR = 1;
  private static final int METHOD = 2;
  private static final int TARGET = 3;
  private static final int VERSION = 4;
  private static final int LINE_CR = 5;
  private static final int FIELD_START = 6;
  private static final int FIELD_NAME = 7;
  private static final int VALUE_OWS = 8;
  private static final int VALUE = 9;
  private static final int FIELD_CR = 10;
  private static final int HEAD_END_CR = 11;
  private static final int BODY = 12;
  private static final int CHUNK_SIZE = 13;
  private static final int CHUNK_EXT = 14;
  private static final int CHUNK_SIZE_CR = 15;
  private static final int CHUNK_DATA = 16;
  private static final int CHUNK_DATA_CR = 17;
  private static final int CHUNK_DATA_LF = 18;
  private static final int TRAILER_START = 19;
  private static final int TRAILER_LINE = 20;
  private static final int TRAILER_CR = 21;
  private static final int TRAILER_END_CR = 22;

  /** {@code tchar} of RFC 9110 §5.6.2: the bytes of a method or a field name. */
  private static final boolean[] TCHAR = new boolean[256];

  static {
    for (char c = '0'; c <= '9'; c++) {
      TCHAR[c] = true;
    }
    for (char c = 'a'; c <= 'z'; c++) {
      TCHAR[c] = true;
      TCHAR[Character.toUpperCase(c)] = true;
    }
    for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
      TCHAR[c] = true;
    }
  }

  private final HttpLimits limits;
  private final boolean stopAtUpgrade;

  private int state = START;
  private int emptyLines;

  /** The request line and the header fields of the request being read, as received. */
  private byte[] head = new byte[512];

  private int headLength;
  private int methodEnd;
  private int targetStart;
  private int targetEnd;
  private int versionStart;
  private int minorVersion;
  private int nameStart;
  private int nameEnd;
  private int valueStart;
  private int valueEnd;

  /** Bytes of the header section (or of a chunked body's size lines and trailers) so far. */
  private int sectionBytes;

  private final HttpHeaders.Builder fields = new HttpHeaders.Builder();
  private HttpHeaders headers;

  private byte[] body;
  private int bodyLength;
  private long chunkRemaining;
  private int chunkDigits;

  /** Bytes not parsed yet: kept while the sink is paused, or held after an upgrade request. */
  private byte[] kept;

  private int keptLength;
  private boolean holding;
  private boolean switched;

  public HttpRequestDecoder(HttpLimits limits) {
    this(limits, false);
  }

  /**
   * @param stopAtUpgrade stop after a request that asks to upgrade, until {@link #continueHttp()}
   *     or {@link #switchProtocols()} (see the class comment)
   */
  public HttpRequestDecoder(HttpLimits limits, boolean stopAtUpgrade) {
    this.limits = limits;
    this.stopAtUpgrade = stopAtUpgrade;
  }

  @Override
  public void decode(ByteBuffer in, FrameSink<? super HttpRequest> sink)
      throws HttpStatusException {
    if (switched) {
      throw new IllegalStateException("the connection switched protocols: this decoder is done");
    }
    if (holding) {
      keep(in);
      return;
    }
    if (keptLength > 0) {
      ByteBuffer earlier = ByteBuffer.wrap(Arrays.copyOf(kept, keptLength));
      keptLength = 0;
      if (!run(earlier, sink)) {
        keep(earlier);
        keep(in);
        return;
      }
    }
    if (!run(in, sink)) {
      keep(in);
    }
  }

  /**
   * True while part of a request has arrived and the rest has not (the request line, headers or a
   * body in progress): the engine's frame timeout ({@code Limits.frameTimeout}) then runs, which is
   * how a client that trickles its headers (slowloris) meets its deadline. Not while the decoder
   * holds the bytes after an upgrade request: those wait for the application, not for the peer.
   */
  @Override
  public boolean inFrame() {
    return !holding && !switched && (state != START || keptLength > 0);
  }

  /** After a request that asked to upgrade: go on reading HTTP (the upgrade was declined). */
  public void continueHttp() {
    holding = false;
  }

  /**
   * After a request that asked to upgrade, once the front has answered {@code 101 Switching
   * Protocols}: hands over the bytes received after that request (the new protocol's first bytes,
   * possibly none) and retires this decoder.
   */
  public ByteBuffer switchProtocols() {
    if (!holding) {
      throw new IllegalStateException("no upgrade request is waiting for an answer");
    }
    switched = true;
    holding = false;
    ByteBuffer rest = ByteBuffer.wrap(Arrays.copyOf(kept == null ? new byte[0] : kept, keptLength));
    kept = null;
    keptLength = 0;
    return rest;
  }

  /** Bytes of memory this decoder holds now (its buffers' sizes): bounded by the limits. */
  int heldBytes() {
    return head.length + (body == null ? 0 : body.length) + (kept == null ? 0 : kept.length);
  }

  /** True while the decoder holds the bytes after an upgrade request (see the class comment). */
  public boolean holdingForUpgrade() {
    return holding;
  }

  /**
   * Parses {@code in} from its position, handing out each complete request. Returns false if it
   * stopped before the end of {@code in} (the sink asked to, or an upgrade request came): the rest
   * is from {@code in}'s position on.
   */
  private boolean run(ByteBuffer in, FrameSink<? super HttpRequest> sink)
      throws HttpStatusException {
    while (in.hasRemaining()) {
      if (state == BODY || state == CHUNK_DATA) {
        copyBody(in);
        if (state == BODY && bodyLength == body.length) {
          if (!deliver(sink)) {
            return false;
          }
        } else if (state == CHUNK_DATA && chunkRemaining == 0) {
          state = CHUNK_DATA_CR;
        }
        continue;
      }
      if (step(in.get() & 0xff) && !deliver(sink)) {
        return false;
      }
    }
    return true;
  }

  /** Takes one byte of the head or of a chunked body's framing; true when a request is complete. */
  private boolean step(int b) throws HttpStatusException {
    switch (state) {
      case START -> {
        if (b == CR) {
          state = START_CR;
        } else if (b == LF) {
          emptyLine();
        } else if (TCHAR[b]) {
          append(b);
          state = METHOD;
        } else {
          throw bad("a request must start with a method");
        }
      }
      case START_CR -> {
        if (b != LF) {
          throw bad("CR not followed by LF");
        }
        state = START;
        emptyLine();
      }
      case METHOD -> {
        if (b == SP) {
          methodEnd = headLength;
          append(b);
          targetStart = headLength;
          state = TARGET;
        } else if (!TCHAR[b]) {
          throw bad("invalid character in the method");
        } else if (headLength >= MAX_METHOD) {
          throw new HttpStatusException(501, "method not implemented");
        } else {
          append(b);
        }
      }
      case TARGET -> {
        if (b == SP) {
          if (headLength == targetStart) {
            throw bad("empty request target");
          }
          targetEnd = headLength;
          append(b);
          versionStart = headLength;
          state = VERSION;
        } else if (b == CR || b == LF) {
          throw bad("the request line has no HTTP version");
        } else if (b <= 0x20 || b >= 0x7f) {
          throw bad("invalid character in the request target");
        } else if (headLength >= limits.maxRequestLine()) {
          throw new HttpStatusException(
              414, "request target too long (limit " + limits.maxRequestLine() + " bytes)");
        } else {
          append(b);
        }
      }
      case VERSION -> {
        if (b == CR || b == LF) {
          endRequestLine();
          state = b == CR ? LINE_CR : FIELD_START;
        } else if (headLength - versionStart >= 8 || !versionByte(headLength - versionStart, b)) {
          throw bad("malformed HTTP version");
        } else {
          append(b);
        }
      }
      case LINE_CR -> {
        if (b != LF) {
          throw bad("CR not followed by LF");
        }
        state = FIELD_START;
      }
      case FIELD_START -> {
        countSectionByte();
        if (b == CR) {
          state = HEAD_END_CR;
        } else if (b == LF) {
          return endHead();
        } else if (b == SP || b == HTAB) {
          throw bad("obsolete line folding (or whitespace before the first field)");
        } else if (TCHAR[b]) {
          if (fields.size() >= limits.maxHeaders()) {
            throw new HttpStatusException(
                431, "too many header fields (limit " + limits.maxHeaders() + ")");
          }
          nameStart = headLength;
          append(b);
          state = FIELD_NAME;
        } else {
          throw bad("invalid character in a field name");
        }
      }
      case FIELD_NAME -> {
        countSectionByte();
        if (b == ':') {
          nameEnd = headLength;
          state = VALUE_OWS;
        } else if (b == SP || b == HTAB) {
          throw bad("whitespace between a field name and its colon");
        } else if (!TCHAR[b]) {
          throw bad("invalid character in a field name");
        } else {
          append(b);
        }
      }
      case VALUE_OWS -> {
        countSectionByte();
        if (b == SP || b == HTAB) {
          return false;
        }
        valueStart = headLength;
        valueEnd = headLength;
        state = VALUE;
        return value(b);
      }
      case VALUE -> {
        countSectionByte();
        return value(b);
      }
      case FIELD_CR -> {
        countSectionByte();
        if (b != LF) {
          throw bad("CR not followed by LF");
        }
        endField();
      }
      case HEAD_END_CR -> {
        if (b != LF) {
          throw bad("CR not followed by LF");
        }
        return endHead();
      }
      case CHUNK_SIZE -> {
        countSectionByte();
        int digit = Character.digit(b, 16);
        if (digit >= 0) {
          chunkRemaining = chunkRemaining * 16 + digit;
          if (bodyLength + chunkRemaining > limits.maxBody()) {
            throw tooLarge();
          }
          chunkDigits++;
        } else if (chunkDigits == 0) {
          throw bad("missing chunk size");
        } else if (b == ';' || b == SP || b == HTAB) {
          state = CHUNK_EXT;
        } else if (b == CR) {
          state = CHUNK_SIZE_CR;
        } else if (b == LF) {
          return endChunkSize();
        } else {
          throw bad("invalid chunk size");
        }
      }
      case CHUNK_EXT -> {
        countSectionByte();
        if (b == CR) {
          state = CHUNK_SIZE_CR;
        } else if (b == LF) {
          return endChunkSize();
        } else if ((b < 0x20 && b != HTAB) || b == 0x7f) {
          throw bad("invalid character in a chunk extension");
        }
      }
      case CHUNK_SIZE_CR -> {
        if (b != LF) {
          throw bad("CR not followed by LF");
        }
        return endChunkSize();
      }
      case CHUNK_DATA_CR -> {
        if (b == CR) {
          state = CHUNK_DATA_LF;
        } else if (b == LF) {
          startChunkSize();
        } else {
          throw bad("chunk data longer than its size");
        }
      }
      case CHUNK_DATA_LF -> {
        if (b != LF) {
          throw bad("CR not followed by LF");
        }
        startChunkSize();
      }
      case TRAILER_START -> {
        countSectionByte();
        if (b == CR) {
          state = TRAILER_END_CR;
        } else if (b == LF) {
          return true;
        } else if (TCHAR[b]) {
          state = TRAILER_LINE;
        } else {
          throw bad("invalid trailer field");
        }
      }
      case TRAILER_LINE -> {
        countSectionByte();
        if (b == CR) {
          state = TRAILER_CR;
        } else if (b == LF) {
          state = TRAILER_START;
        } else if ((b < 0x20 && b != HTAB) || b == 0x7f) {
          throw bad("invalid character in a trailer field");
        }
      }
      case TRAILER_CR -> {
        if (b != LF) {
          throw bad("CR not followed by LF");
        }
        state = TRAILER_START;
      }
      case TRAILER_END_CR -> {
        if (b != LF) {
          throw bad("CR not followed by LF");
        }
        return true;
      }
      default -> throw new IllegalStateException("state " + state);
    }
    return false;
  }

  private void emptyLine() throws HttpStatusException {
    if (++emptyLines > MAX_EMPTY_LINES) {
      throw bad("empty lines where a request line was expected");
    }
  }

  /** {@code HTTP/d.d}: true if {@code b} may stand at {@code index}. */
  private static boolean versionByte(int index, int b) {
    return index < 5 ? b == "HTTP/".charAt(index) : index == 6 ? b == '.' : b >= '0' && b <= '9';
  }

  private void endRequestLine() throws HttpStatusException {
    if (headLength - versionStart != 8) {
      throw bad("malformed HTTP version");
    }
    if (head[versionStart + 5] != '1') {
      throw new HttpStatusException(505, "HTTP version not supported (HTTP/1.0 and 1.1 are)");
    }
    minorVersion = head[versionStart + 7] == '0' ? 0 : 1;
    sectionBytes = 0;
  }

  /** One byte of a field value (after the leading whitespace); true if the head ended. */
  private boolean value(int b) throws HttpStatusException {
    if (b == CR) {
      state = FIELD_CR;
    } else if (b == LF) {
      endField();
    } else if ((b < 0x20 && b != HTAB) || b == 0x7f) {
      throw bad("invalid character in a field value");
    } else {
      append(b);
      if (b != SP && b != HTAB) {
        valueEnd = headLength; // trailing whitespace is not part of the value
      }
    }
    return false;
  }

  private void endField() {
    String name = new String(head, nameStart, nameEnd - nameStart, StandardCharsets.ISO_8859_1);
    String value =
        new String(
            head, valueStart, Math.max(0, valueEnd - valueStart), StandardCharsets.ISO_8859_1);
    fields.add(name.toLowerCase(Locale.ROOT), value);
    state = FIELD_START;
  }

  private void countSectionByte() throws HttpStatusException {
    if (++sectionBytes > limits.maxHeaderBytes()) {
      throw new HttpStatusException(
          431,
          (state >= CHUNK_SIZE ? "chunk extensions or trailers" : "header section")
              + " too large (limit "
              + limits.maxHeaderBytes()
              + " bytes)");
    }
  }

  /**
   * The blank line after the fields: decides how the body is framed (RFC 9112 §6.3). Returns true
   * if the request is complete (it has no body).
   */
  private boolean endHead() throws HttpStatusException {
    headers = fields.build();
    List<String> codings = headers.all("transfer-encoding");
    List<String> lengths = headers.all("content-length");
    if (!codings.isEmpty()) {
      if (!lengths.isEmpty()) {
        throw bad("both Transfer-Encoding and Content-Length");
      }
      if (minorVersion == 0) {
        throw bad("Transfer-Encoding in an HTTP/1.0 request");
      }
      String[] list = String.join(",", codings).split(",");
      String last = list[list.length - 1].trim();
      if (!last.equalsIgnoreCase("chunked")) {
        throw bad("chunked must be the last transfer coding of a request");
      }
      if (list.length > 1) {
        throw new HttpStatusException(
            501, "transfer coding not implemented: " + String.join(",", codings));
      }
      body = new byte[Math.min(limits.maxBody(), 1024)];
      bodyLength = 0;
      sectionBytes = 0;
      startChunkSize();
      return false;
    }
    if (lengths.isEmpty()) {
      return true;
    }
    long length = contentLength(lengths);
    if (length > limits.maxBody()) {
      throw tooLarge();
    }
    if (length == 0) {
      return true;
    }
    body = new byte[(int) length];
    bodyLength = 0;
    state = BODY;
    return false;
  }

  /** The one length every {@code Content-Length} line agrees on (RFC 9110 §8.6), or a 400. */
  private long contentLength(List<String> lengths) throws HttpStatusException {
    long length = -1;
    for (String line : lengths) {
      for (String part : line.split(",", -1)) {
        String digits = part.trim();
        if (digits.isEmpty() || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
          throw bad("bad Content-Length");
        }
        long value = digits.length() > 18 ? Long.MAX_VALUE : Long.parseLong(digits);
        if (length >= 0 && value != length) {
          throw bad("conflicting Content-Length values");
        }
        length = value;
      }
    }
    return length;
  }

  private void startChunkSize() {
    chunkRemaining = 0;
    chunkDigits = 0;
    state = CHUNK_SIZE;
  }

  private boolean endChunkSize() {
    if (chunkRemaining == 0) {
      state = TRAILER_START;
      return false;
    }
    int needed = (int) (bodyLength + chunkRemaining);
    if (body.length < needed) {
      body = Arrays.copyOf(body, Math.min(limits.maxBody(), Math.max(needed, body.length * 2)));
    }
    state = CHUNK_DATA;
    return false;
  }

  private void copyBody(ByteBuffer in) {
    int count =
        state == BODY
            ? Math.min(in.remaining(), body.length - bodyLength)
            : (int) Math.min(in.remaining(), chunkRemaining);
    in.get(body, bodyLength, count);
    bodyLength += count;
    if (state == CHUNK_DATA) {
      chunkRemaining -= count;
    }
  }

  /** Hands the complete request out and starts on the next; false if decoding must stop here. */
  private boolean deliver(FrameSink<? super HttpRequest> sink) {
    String method = new String(head, 0, methodEnd, StandardCharsets.US_ASCII);
    String target =
        new String(head, targetStart, targetEnd - targetStart, StandardCharsets.US_ASCII);
    byte[] content =
        body == null ? null : bodyLength == body.length ? body : Arrays.copyOf(body, bodyLength);
    HttpRequest request = new HttpRequest(method, target, minorVersion, headers, content);
    state = START;
    emptyLines = 0;
    headLength = 0;
    headers = null;
    body = null;
    bodyLength = 0;
    if (head.length > 4096) {
      head = new byte[512]; // give a one-off large head's memory back
    }
    boolean more = sink.accept(request);
    if (stopAtUpgrade && request.upgrade()) {
      holding = true;
      return false;
    }
    return more;
  }

  private void append(int b) {
    if (headLength == head.length) {
      head = Arrays.copyOf(head, head.length * 2);
    }
    head[headLength++] = (byte) b;
  }

  /** Keeps {@code in}'s remaining bytes for later, within the size of one largest request. */
  private void keep(ByteBuffer in) throws HttpStatusException {
    int count = in.remaining();
    if (count == 0) {
      return;
    }
    long bound = (long) limits.maxRequestLine() + limits.maxHeaderBytes() + limits.maxBody();
    if (holding && keptLength + count > Math.max(bound, 64 * 1024)) {
      throw bad("too much data after an upgrade request before its answer");
    }
    if (kept == null || kept.length < keptLength + count) {
      kept =
          Arrays.copyOf(
              kept == null ? new byte[0] : kept,
              Math.max(keptLength + count, kept == null ? 256 : kept.length * 2));
    }
    in.get(kept, keptLength, count);
    keptLength += count;
  }

  private HttpStatusException tooLarge() {
    return new HttpStatusException(
        413, "request body too large (limit " + limits.maxBody() + " bytes)");
  }

  private static HttpStatusException bad(String why) {
    return new HttpStatusException(400, why);
  }
}
