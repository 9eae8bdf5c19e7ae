package io.switchboard.chat.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The frame decoder's rules one by one, each at the byte that breaks it (the property test covers
 * any input; the suite covers the same rules over real sockets on every model).
 */
class WebSocketDecoderTest {
  private static final byte[] MASK = {0x37, (byte) 0xfa, 0x21, 0x3d};

  private static byte[] masked(boolean fin, int opcode, byte[] payload) {
    return WebSocket.frame(fin, opcode, payload, MASK);
  }

  private static List<WebSocketMessage> decode(WebSocketDecoder decoder, byte[]... reads)
      throws WebSocketException {
    List<WebSocketMessage> messages = new ArrayList<>();
    for (byte[] read : reads) {
      decoder.decode(ByteBuffer.wrap(read), messages::add);
    }
    return messages;
  }

  private static int refusal(byte[]... reads) {
    try {
      decode(new WebSocketDecoder(1000), reads);
    } catch (WebSocketException e) {
      return e.closeCode();
    }
    throw new AssertionError("accepted");
  }

  @Test
  void theRfcsMaskedHelloIsReadAndItsHandshakeValueIsRight() throws Exception {
    // RFC 6455 §5.7: a single-frame masked text message "Hello".
    byte[] frame = {
      (byte) 0x81, (byte) 0x85, 0x37, (byte) 0xfa, 0x21, 0x3d, 0x7f, (byte) 0x9f, 0x4d, 0x51, 0x58
    };
    assertThat(decode(new WebSocketDecoder(1000), frame))
        .containsExactly(new WebSocketMessage.Text("Hello"));
    // RFC 6455 §1.3: the accept value of the sample key.
    assertThat(WebSocket.accept("dGhlIHNhbXBsZSBub25jZQ=="))
        .isEqualTo("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
  }

  @Test
  void fragmentsJoinAroundAPingAndACharacterSplitAcrossThem() throws Exception {
    byte[] euro = "€".getBytes(StandardCharsets.UTF_8); // three bytes, split over two fragments
    WebSocketDecoder decoder = new WebSocketDecoder(1000);
    List<WebSocketMessage> got =
        decode(
            decoder,
            masked(false, WebSocket.TEXT, new byte[] {'a', euro[0]}),
            masked(true, WebSocket.PING, "p".getBytes(StandardCharsets.US_ASCII)),
            masked(false, WebSocket.CONTINUATION, new byte[] {euro[1], euro[2]}),
            masked(true, WebSocket.CONTINUATION, new byte[] {'b'}));
    assertThat(got).hasSize(2);
    assertThat(((WebSocketMessage.Ping) got.get(0)).data()).containsExactly('p');
    assertThat(got.get(1)).isEqualTo(new WebSocketMessage.Text("a€b"));
    assertThat(decoder.inFrame()).isFalse();
  }

  @Test
  void aFrameInProgressOrAMessageWaitingForItsLastFragmentIsInFrame() throws Exception {
    WebSocketDecoder decoder = new WebSocketDecoder(1000);
    byte[] frame = masked(true, WebSocket.TEXT, "hi".getBytes(StandardCharsets.US_ASCII));
    decode(decoder, new byte[] {frame[0]});
    assertThat(decoder.inFrame()).as("half a header").isTrue();
    decode(decoder, java.util.Arrays.copyOfRange(frame, 1, frame.length));
    assertThat(decoder.inFrame()).isFalse();
    decode(decoder, masked(false, WebSocket.TEXT, new byte[] {'x'}));
    assertThat(decoder.inFrame()).as("a message without its final fragment").isTrue();
  }

  @Test
  void eachBrokenRuleHasItsCloseCode() {
    byte[] text = "hi".getBytes(StandardCharsets.US_ASCII);
    assertThat(refusal(WebSocket.frame(true, WebSocket.TEXT, text, null)))
        .as("unmasked")
        .isEqualTo(WebSocket.PROTOCOL_ERROR);
    byte[] reserved = masked(true, WebSocket.TEXT, text);
    reserved[0] |= 0x40;
    assertThat(refusal(reserved)).as("RSV1 without deflate").isEqualTo(WebSocket.PROTOCOL_ERROR);
    assertThat(refusal(masked(true, 3, text))).as("opcode 3").isEqualTo(WebSocket.PROTOCOL_ERROR);
    assertThat(refusal(masked(false, WebSocket.PING, text)))
        .as("a fragmented ping")
        .isEqualTo(WebSocket.PROTOCOL_ERROR);
    assertThat(refusal(masked(true, WebSocket.PING, new byte[126])))
        .as("a ping of 126 bytes")
        .isEqualTo(WebSocket.PROTOCOL_ERROR);
    assertThat(refusal(masked(true, WebSocket.CONTINUATION, text)))
        .as("a continuation of nothing")
        .isEqualTo(WebSocket.PROTOCOL_ERROR);
    assertThat(refusal(masked(false, WebSocket.TEXT, text), masked(true, WebSocket.TEXT, text)))
        .as("a new message before the last one ended")
        .isEqualTo(WebSocket.PROTOCOL_ERROR);
    assertThat(refusal(masked(true, WebSocket.CLOSE, new byte[] {3})))
        .as("a one-byte close")
        .isEqualTo(WebSocket.PROTOCOL_ERROR);
    assertThat(refusal(masked(true, WebSocket.CLOSE, new byte[] {0x03, (byte) 0xee})))
        .as("close code 1006 is never on the wire")
        .isEqualTo(WebSocket.PROTOCOL_ERROR);
    assertThat(refusal(masked(true, WebSocket.CLOSE, new byte[] {0x03, (byte) 0xe8, (byte) 0xff})))
        .as("a close reason that is not UTF-8")
        .isEqualTo(WebSocket.INVALID_DATA);
    assertThat(refusal(masked(true, WebSocket.TEXT, new byte[] {'a', (byte) 0xc0, (byte) 0xaf})))
        .as("an overlong slash")
        .isEqualTo(WebSocket.INVALID_DATA);
    assertThat(refusal(masked(true, WebSocket.TEXT, new byte[] {(byte) 0xe2, (byte) 0x82})))
        .as("text ending inside a character")
        .isEqualTo(WebSocket.INVALID_DATA);
    assertThat(refusal(masked(true, WebSocket.BINARY, new byte[1001])))
        .as("a frame past the limit")
        .isEqualTo(WebSocket.TOO_BIG);
    assertThat(
            refusal(
                masked(false, WebSocket.BINARY, new byte[600]),
                masked(true, WebSocket.CONTINUATION, new byte[401])))
        .as("fragments past the limit")
        .isEqualTo(WebSocket.TOO_BIG);
    byte[] huge = {(byte) 0x82, (byte) 0xff, (byte) 0x80, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4};
    assertThat(refusal(huge))
        .as("a 64-bit length with its top bit")
        .isEqualTo(WebSocket.PROTOCOL_ERROR);
  }

  @Test
  void badUtf8IsRefusedAtItsByteBeforeTheFrameEnds() {
    // The first fragment's payload is announced as 100 bytes; only 3 arrive, the third is bad.
    byte[] frame = masked(true, WebSocket.TEXT, new byte[100]);
    byte[] head = java.util.Arrays.copyOf(frame, 6 + 3);
    byte[] payload = {'o', 'k', (byte) 0xff};
    for (int i = 0; i < 3; i++) {
      head[6 + i] = (byte) (payload[i] ^ MASK[i & 3]);
    }
    assertThatThrownBy(() -> decode(new WebSocketDecoder(1000), head))
        .isInstanceOfSatisfying(
            WebSocketException.class,
            e -> assertThat(e.closeCode()).isEqualTo(WebSocket.INVALID_DATA));
  }

  @Test
  void aCloseIsReadWithItsCodeAndReasonAndAnEmptyOneAsNoStatus() throws Exception {
    byte[] reason = "done".getBytes(StandardCharsets.UTF_8);
    byte[] payload = new byte[2 + reason.length];
    payload[0] = 0x03;
    payload[1] = (byte) 0xe9; // 1001
    System.arraycopy(reason, 0, payload, 2, reason.length);
    assertThat(
            decode(
                new WebSocketDecoder(1000),
                masked(true, WebSocket.CLOSE, payload),
                masked(true, WebSocket.CLOSE, new byte[0])))
        .containsExactly(
            new WebSocketMessage.Close(1001, "done"),
            new WebSocketMessage.Close(WebSocket.NO_STATUS, ""));
  }

  @Test
  void theServersCloseFrameCutsALongReasonAtACharacter() {
    byte[] frame = WebSocket.close(1000, "é".repeat(100)); // 200 bytes of reason
    // At most 123 bytes of reason fit; the 62nd é would straddle byte 123, so 61 whole ones go.
    assertThat(frame[1]).isEqualTo((byte) (2 + 122));
    assertThat(new String(frame, 4, 122, StandardCharsets.UTF_8)).isEqualTo("é".repeat(61));
  }
}
