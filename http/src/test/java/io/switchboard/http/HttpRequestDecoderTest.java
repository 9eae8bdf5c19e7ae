package io.switchboard.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The request parser on its own: what it hands out, and which status each broken rule gets. */
class HttpRequestDecoderTest {
  private static final HttpLimits SMALL = new HttpLimits(64, 256, 8, 32);

  private final List<HttpRequest> requests = new ArrayList<>();

  private void decode(HttpRequestDecoder decoder, String text) throws HttpStatusException {
    decoder.decode(
        ByteBuffer.wrap(text.getBytes(StandardCharsets.ISO_8859_1)),
        request -> requests.add(request));
  }

  private List<HttpRequest> decodeAll(String text) throws HttpStatusException {
    decode(new HttpRequestDecoder(SMALL), text);
    return requests;
  }

  @Test
  void readsARequestWithItsFields() throws Exception {
    HttpRequest request =
        decodeAll("GET /a?b=c HTTP/1.1\r\nHost: x\r\nAccept:  text/html , */*  \r\n\r\n").get(0);
    assertThat(request.method()).isEqualTo("GET");
    assertThat(request.target()).isEqualTo("/a?b=c");
    assertThat(request.minorVersion()).isEqualTo(1);
    assertThat(request.headers().get("ACCEPT")).isEqualTo("text/html , */*");
    assertThat(request.headers().get("host")).isEqualTo("x");
    assertThat(request.keepAlive()).isTrue();
    assertThat(request.body()).isEmpty();
  }

  @Test
  void handsOutEveryPipelinedRequestAndKeepsAPartialOne() throws Exception {
    HttpRequestDecoder decoder = new HttpRequestDecoder(SMALL);
    decode(decoder, "GET /1 HTTP/1.1\r\n\r\nGET /2 HTTP/1.0\n\nPOST /3 HTTP/1.1\r\nContent-Le");
    assertThat(requests).extracting(HttpRequest::target).containsExactly("/1", "/2");
    assertThat(requests.get(1).keepAlive()).isFalse();
    assertThat(decoder.inFrame()).isTrue();
    decode(decoder, "ngth: 5\r\n\r\nab");
    assertThat(decoder.inFrame()).isTrue();
    decode(decoder, "cde");
    assertThat(requests).hasSize(3);
    assertThat(new String(requests.get(2).body(), StandardCharsets.US_ASCII)).isEqualTo("abcde");
    assertThat(decoder.inFrame()).isFalse();
  }

  @Test
  void readsAChunkedBody() throws Exception {
    HttpRequest request =
        decodeAll(
                "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3;ext=1\r\nabc\r\n"
                    .concat("0A\r\n0123456789\r\n0\r\nTrailer: x\r\n\r\n"))
            .get(0);
    assertThat(new String(request.body(), StandardCharsets.US_ASCII)).isEqualTo("abc0123456789");
  }

  @Test
  void stopsAfterAnUpgradeRequestUntilTold() throws Exception {
    HttpRequestDecoder decoder = new HttpRequestDecoder(SMALL, true);
    decode(
        decoder,
        "GET /ws HTTP/1.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n\u0081\u0002hi");
    assertThat(requests).hasSize(1);
    assertThat(requests.get(0).upgrade()).isTrue();
    assertThat(decoder.holdingForUpgrade()).isTrue();
    assertThat(decoder.inFrame()).isFalse();
    decode(decoder, "!");
    ByteBuffer rest = decoder.switchProtocols();
    assertThat(StandardCharsets.ISO_8859_1.decode(rest).toString()).isEqualTo("\u0081\u0002hi!");
  }

  @Test
  void goesOnWithHttpWhenAnUpgradeIsDeclined() throws Exception {
    HttpRequestDecoder decoder = new HttpRequestDecoder(SMALL, true);
    decode(decoder, "GET / HTTP/1.1\r\nConnection: upgrade\r\nUpgrade: h2c\r\n\r\nGET /next ");
    decoder.continueHttp();
    decode(decoder, "HTTP/1.1\r\n\r\n");
    assertThat(requests).extracting(HttpRequest::target).containsExactly("/", "/next");
  }

  @Test
  void aPlainServerIgnoresUpgrade() throws Exception {
    decodeAll(
        "GET / HTTP/1.1\r\nConnection: upgrade\r\nUpgrade: h2c\r\n\r\nGET /b HTTP/1.1\r\n\r\n");
    assertThat(requests).hasSize(2);
  }

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "400 | 'GET / HTTP/1.1\\r\\nHost: a\\rb\\r\\n\\r\\n'",
        "400 | 'GET / HTTP/1.1\\r\\nHost: a\\r\\n folded\\r\\n\\r\\n'",
        "400 | 'GET / HTTP/1.1\\r\\nHost : a\\r\\n\\r\\n'",
        "400 | 'GET / HTTP/1.1\\r\\nContent-Length: 1x\\r\\n\\r\\n'",
        "400 | 'GET / HTTP/1.1\\r\\nContent-Length: 1\\r\\nContent-Length: 2\\r\\n\\r\\n'",
        "400 | 'POST / HTTP/1.1\\r\\nContent-Length: 3\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n'",
        "400 | 'POST / HTTP/1.0\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n'",
        "400 | 'POST / HTTP/1.1\\r\\nTransfer-Encoding: chunked, gzip\\r\\n\\r\\n'",
        "400 | 'POST / HTTP/1.1\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\nzz\\r\\n'",
        "400 | 'GET /\\r\\n'",
        "400 | 'GET / HTTP/1.1x\\r\\n'",
        "400 | 'GET /a\\u0000b HTTP/1.1\\r\\n'",
        "400 | '\\u0016\\u0003\\u0001'",
        "400 | 'GET / HTTP/1.1\\r\\nX: a\\u0000b\\r\\n'",
        "400 | '\\r\\n\\r\\n\\r\\nGET / HTTP/1.1\\r\\n'",
        "413 | 'POST / HTTP/1.1\\r\\nContent-Length: 33\\r\\n\\r\\n'",
        "413 | 'POST / HTTP/1.1\\r\\nContent-Length: 99999999999999999999999\\r\\n\\r\\n'",
        "413 | 'POST / HTTP/1.1\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n21\\r\\n'",
        "414 | 'GET /aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'",
        "431 | 'GET / HTTP/1.1\\r\\nA: 1\\r\\nB: 2\\r\\nC: 3\\r\\nD: 4\\r\\nE: 5\\r\\nF: 6\\r\\nG: 7\\r\\nH: 8\\r\\nI: 9\\r\\n'",
        "501 | 'POST / HTTP/1.1\\r\\nTransfer-Encoding: gzip, chunked\\r\\n\\r\\n'",
        "501 | 'AVERYLONGMETHODNAMETHATNOBODYIMPLEMENTS / HTTP/1.1\\r\\n'",
        "505 | 'GET / HTTP/2.0\\r\\n'",
        "505 | 'GET / HTTP/0.9\\r\\n'",
      })
  void refusesWithTheStatusThatNamesTheRule(int status, String escaped) {
    String text = unescape(escaped);
    assertThatThrownBy(() -> decodeAll(text))
        .isInstanceOfSatisfying(
            HttpStatusException.class, e -> assertThat(e.status()).isEqualTo(status));
  }

  @Test
  void aHeaderSectionPastItsLimitIs431() {
    String big = "GET / HTTP/1.1\r\nX: " + "v".repeat(300) + "\r\n\r\n";
    assertThatThrownBy(() -> decodeAll(big))
        .isInstanceOfSatisfying(
            HttpStatusException.class, e -> assertThat(e.status()).isEqualTo(431));
  }

  @Test
  void decidesAtTheByteThatBreaksTheRule() throws Exception {
    // 414 as soon as the target passes the limit, before any line end arrives.
    HttpRequestDecoder decoder = new HttpRequestDecoder(SMALL);
    decode(decoder, "GET /" + "a".repeat(59)); // 64 bytes: at the limit
    assertThatThrownBy(() -> decode(decoder, "a"))
        .isInstanceOfSatisfying(
            HttpStatusException.class, e -> assertThat(e.status()).isEqualTo(414));
  }

  static String unescape(String text) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c != '\\') {
        out.append(c);
        continue;
      }
      char next = text.charAt(++i);
      switch (next) {
        case 'r' -> out.append('\r');
        case 'n' -> out.append('\n');
        case 'u' -> {
          out.append((char) Integer.parseInt(text.substring(i + 1, i + 5), 16));
          i += 4;
        }
        default -> out.append(next);
      }
    }
    return out.toString();
  }
}
