package io.switchboard.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.engine.Decoder;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The request parser against any bytes, cut anywhere: every input yields requests, or requests and
 * then one {@link HttpStatusException}, never another exception; the same bytes cut differently
 * (and delivered with the sink pausing now and then) yield the same requests and the same status;
 * and the parser never holds more memory than its limits allow.
 */
class HttpRequestDecoderProperties {
  private static final HttpLimits LIMITS = new HttpLimits(64, 128, 6, 64);

  /** What the limits allow the decoder to hold at once: a head, a body and one kept read. */
  private static final long BOUND =
      2L * (LIMITS.maxRequestLine() + LIMITS.maxHeaderBytes()) + 2L * LIMITS.maxBody() + 4096;

  /** Pieces that make bytes look enough like HTTP to go deep into the parser. */
  private static final String[] PIECES = {
    "GET",
    "POST",
    "HEAD",
    " ",
    "  ",
    "/",
    "/a?b=c",
    "%2e",
    "HTTP/1.1",
    "HTTP/1.0",
    "HTTP/2.0",
    "\r\n",
    "\n",
    "\r",
    "\r\n\r\n",
    "Host: x",
    "Host:",
    ": ",
    ":",
    "\t",
    "Connection: close",
    "Content-Length: 3",
    "Content-Length: 0",
    "Content-Length: 99",
    "Content-Length: 3, 3",
    "Transfer-Encoding: chunked",
    "Transfer-Encoding: gzip",
    "abc",
    "3\r\nabc\r\n",
    "0\r\n\r\n",
    "1;x=y\r\nz\r\n",
    "Upgrade: websocket",
    "Connection: upgrade",
    "X-Long: " + "v".repeat(70),
  };

  @Provide
  Arbitrary<byte[]> httpish() {
    Arbitrary<byte[]> piece =
        Arbitraries.oneOf(
            Arbitraries.of(PIECES).map(p -> p.getBytes(StandardCharsets.ISO_8859_1)),
            Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(3));
    return piece.list().ofMaxSize(50).map(HttpRequestDecoderProperties::concat);
  }

  @Provide
  Arbitrary<List<Integer>> cuts() {
    return Arbitraries.integers().between(1, 40).list().ofMaxSize(30);
  }

  @Property(tries = 600)
  void anyCutsYieldTheSameRequestsOrTheSameClearError(
      @ForAll("httpish") byte[] input,
      @ForAll("cuts") List<Integer> cuts,
      @ForAll("cuts") List<Integer> pauses) {
    Outcome whole = decode(input, List.of(), List.of());
    Outcome split = decode(input, cuts, pauses);
    assertThat(split).isEqualTo(whole);
  }

  @Property(tries = 300)
  void anyBytesAtAllAreRequestsOrAClearError(
      @ForAll byte[] input, @ForAll("cuts") List<Integer> cuts) {
    assertThat(decode(input, cuts, List.of())).isEqualTo(decode(input, List.of(), List.of()));
  }

  /** Requests handed out, then the refusal's status (0 if none). */
  record Outcome(List<HttpRequest> requests, int status) {}

  /**
   * Feeds {@code input} in pieces of the sizes in {@code cuts} (the rest at once); the sink stops
   * after the requests numbered in {@code pauses}, and decoding resumes with an empty buffer, as an
   * engine does when reading resumes.
   */
  private static Outcome decode(byte[] input, List<Integer> cuts, List<Integer> pauses) {
    HttpRequestDecoder decoder = new HttpRequestDecoder(LIMITS);
    List<HttpRequest> requests = new ArrayList<>();
    int[] count = {0};
    Decoder.FrameSink<HttpRequest> sink =
        request -> {
          requests.add(request);
          return !pauses.contains(++count[0]);
        };
    int position = 0;
    int cut = 0;
    try {
      while (position < input.length) {
        int size = cut < cuts.size() ? cuts.get(cut++) : input.length - position;
        int end = Math.min(input.length, position + size);
        decoder.decode(ByteBuffer.wrap(input, position, end - position), sink);
        assertThat((long) decoder.heldBytes()).isLessThanOrEqualTo(BOUND);
        position = end;
        int before;
        do { // resume as often as the sink paused
          before = requests.size();
          decoder.decode(ByteBuffer.allocate(0), sink);
        } while (requests.size() != before);
      }
      return new Outcome(requests, 0);
    } catch (HttpStatusException e) {
      assertThat(e.status()).isIn(400, 413, 414, 431, 501, 505);
      assertThat(e.getMessage()).isNotBlank();
      return new Outcome(requests, e.status());
    }
  }

  private static byte[] concat(List<byte[]> pieces) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    pieces.forEach(out::writeBytes);
    return out.toByteArray();
  }
}
