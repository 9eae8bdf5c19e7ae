package io.switchboard.chat.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * The WebSocket frame decoder fed any input, in any pieces: what a client may send (messages of any
 * size, split into any number of fragments, pings and pongs between the fragments, every length
 * encoding, any mask) comes out as exactly the messages sent, in order; text is accepted exactly
 * when the JDK's strict UTF-8 decoder accepts it, wherever the fragments cut it; a message past the
 * limit is refused with 1009 whatever its fragments; and any bytes at all give messages or a {@link
 * WebSocketException}, never another exception, with the decoder's memory bounded.
 */
class WebSocketDecoderProperties {
  private static final int MAX_MESSAGE = 70_000; // past 65,535: 64-bit lengths get their turn

  /** One message a client sends, and how: fragment sizes, pings between them, its mask seed. */
  record Sent(boolean text, byte[] payload, List<Integer> cuts, boolean pingsBetween, long seed) {}

  @Provide
  Arbitrary<Sent> sent() {
    Arbitrary<Integer> size =
        Arbitraries.frequencyOf(
            Tuple.of(6, Arbitraries.integers().between(0, 130)),
            Tuple.of(3, Arbitraries.integers().between(126, 70_000)),
            Tuple.of(1, Arbitraries.of(0, 125, 126, 65_535, 65_536, MAX_MESSAGE)));
    return Combinators.combine(
            Arbitraries.of(true, false),
            size,
            Arbitraries.integers().between(1, 5000).list().ofMaxSize(6),
            Arbitraries.of(true, false),
            Arbitraries.longs())
        .as(
            (text, length, cuts, pings, seed) -> {
              Random random = new Random(seed);
              byte[] payload = text ? randomText(random, length) : randomBytes(random, length);
              return new Sent(text, payload, cuts, pings, seed);
            });
  }

  private static byte[] randomBytes(Random random, int length) {
    byte[] bytes = new byte[length];
    random.nextBytes(bytes);
    return bytes;
  }

  /** Valid UTF-8 of about {@code length} bytes, with characters of every width. */
  private static byte[] randomText(Random random, int length) {
    String[] pieces = {"a", "Z", " ", "é", "ß", "€", "漢", "\uD83D\uDE00", "{\"", "\u0000"};
    StringBuilder text = new StringBuilder();
    int bytes = 0;
    while (bytes < length) {
      String piece = pieces[random.nextInt(pieces.length)];
      int size = piece.getBytes(StandardCharsets.UTF_8).length;
      if (bytes + size > length) {
        piece = "a";
        size = 1;
      }
      text.append(piece);
      bytes += size;
    }
    return text.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** The frames of {@code sent}, masked, as a client writes them. */
  private static byte[] frames(Sent sent) {
    Random random = new Random(sent.seed());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int at = 0;
    List<Integer> ends = new ArrayList<>();
    for (int cut : sent.cuts()) {
      at += cut;
      if (at < sent.payload().length) {
        ends.add(at);
      }
    }
    ends.add(sent.payload().length);
    int start = 0;
    for (int i = 0; i < ends.size(); i++) {
      int end = Math.max(start, ends.get(i));
      boolean last = i == ends.size() - 1;
      int opcode =
          i == 0 ? (sent.text() ? WebSocket.TEXT : WebSocket.BINARY) : WebSocket.CONTINUATION;
      out.writeBytes(
          WebSocket.frame(
              last, opcode, Arrays.copyOfRange(sent.payload(), start, end), mask(random)));
      if (!last && sent.pingsBetween()) {
        out.writeBytes(WebSocket.frame(true, WebSocket.PING, new byte[] {(byte) i}, mask(random)));
      }
      start = end;
    }
    return out.toByteArray();
  }

  private static byte[] mask(Random random) {
    byte[] mask = new byte[4];
    random.nextBytes(mask);
    return mask;
  }

  /** Feeds {@code input} to {@code decoder} in pieces of {@code piece} bytes. */
  private static List<WebSocketMessage> decode(
      WebSocketDecoder decoder, byte[] input, int piece, int[] mostHeld) throws WebSocketException {
    List<WebSocketMessage> messages = new ArrayList<>();
    for (int at = 0; at < input.length; at += piece) {
      decoder.decode(
          ByteBuffer.wrap(input, at, Math.min(piece, input.length - at)).slice(),
          message -> messages.add(message));
      mostHeld[0] = Math.max(mostHeld[0], decoder.heldBytes());
    }
    return messages;
  }

  @Property(tries = 200)
  void whatAClientSendsComesOutAsTheMessagesSentWhateverThePieces(
      @ForAll @Size(max = 8) List<@From("sent") Sent> sent,
      @ForAll @IntRange(min = 1, max = 9000) int piece)
      throws WebSocketException {
    ByteArrayOutputStream stream = new ByteArrayOutputStream();
    List<WebSocketMessage> expected = new ArrayList<>();
    int total = 0;
    for (Sent one : sent) {
      if (total > 400_000) {
        break; // keeps a try quick
      }
      total += one.payload().length;
      stream.writeBytes(frames(one));
      expected.addAll(pings(one));
      expected.add(
          one.text()
              ? new WebSocketMessage.Text(new String(one.payload(), StandardCharsets.UTF_8))
              : new WebSocketMessage.Binary(one.payload()));
    }
    WebSocketDecoder decoder = new WebSocketDecoder(MAX_MESSAGE);
    int[] mostHeld = {0};
    List<WebSocketMessage> got = decode(decoder, stream.toByteArray(), piece, mostHeld);

    assertThat(got).hasSameSizeAs(expected);
    for (int i = 0; i < got.size(); i++) {
      assertSame(got.get(i), expected.get(i));
    }
    assertThat(decoder.inFrame()).isFalse();
    assertThat(mostHeld[0]).isLessThanOrEqualTo(MAX_MESSAGE);
  }

  /** The pings {@link #frames} puts between the fragments of {@code sent}. */
  private static List<WebSocketMessage> pings(Sent sent) {
    List<WebSocketMessage> pings = new ArrayList<>();
    if (!sent.pingsBetween()) {
      return pings;
    }
    int at = 0;
    int fragments = 1;
    for (int cut : sent.cuts()) {
      at += cut;
      if (at < sent.payload().length) {
        fragments++;
      }
    }
    for (int i = 0; i < fragments - 1; i++) {
      pings.add(new WebSocketMessage.Ping(new byte[] {(byte) i}));
    }
    return pings;
  }

  private static void assertSame(WebSocketMessage got, WebSocketMessage expected) {
    switch (expected) {
      case WebSocketMessage.Text text -> assertThat(got).isEqualTo(text);
      case WebSocketMessage.Binary binary ->
          assertThat(((WebSocketMessage.Binary) got).data()).isEqualTo(binary.data());
      case WebSocketMessage.Ping ping ->
          assertThat(((WebSocketMessage.Ping) got).data()).isEqualTo(ping.data());
      default -> fail("unexpected " + expected);
    }
  }

  /**
   * Mostly UTF-8, with now and then one of the forms a validator gets wrong: overlong encodings,
   * surrogates, code points past U+10FFFF, bytes UTF-8 never has, a stray continuation byte, a
   * character cut short. Built from a few such units, so one bad unit among good ones is common.
   */
  @Provide
  Arbitrary<byte[]> maybeText() {
    Arbitrary<int[]> good =
        Arbitraries.of(
            new int[] {'a'},
            new int[] {0x7f},
            new int[] {0xc2, 0x80},
            new int[] {0xdf, 0xbf},
            new int[] {0xe0, 0xa0, 0x80},
            new int[] {0xed, 0x9f, 0xbf},
            new int[] {0xee, 0x80, 0x80},
            new int[] {0xef, 0xbf, 0xbf},
            new int[] {0xf0, 0x90, 0x80, 0x80},
            new int[] {0xf4, 0x8f, 0xbf, 0xbf});
    Arbitrary<int[]> bad =
        Arbitraries.of(
            new int[] {0xc0, 0xaf},
            new int[] {0xc1, 0xbf},
            new int[] {0xe0, 0x80, 0xaf},
            new int[] {0xe0, 0x9f, 0xbf},
            new int[] {0xed, 0xa0, 0x80},
            new int[] {0xed, 0xbf, 0xbf},
            new int[] {0xf0, 0x80, 0x80, 0xaf},
            new int[] {0xf0, 0x8f, 0xbf, 0xbf},
            new int[] {0xf4, 0x90, 0x80, 0x80},
            new int[] {0xf5, 0x80, 0x80, 0x80},
            new int[] {0xff},
            new int[] {0x80},
            new int[] {0xc2},
            new int[] {0xe2, 0x82},
            new int[] {0xf0, 0x9f, 0x98});
    return Arbitraries.frequencyOf(Tuple.of(5, good), Tuple.of(1, bad))
        .list()
        .ofMaxSize(8)
        .map(
            units -> {
              ByteArrayOutputStream bytes = new ByteArrayOutputStream();
              units.forEach(unit -> Arrays.stream(unit).forEach(bytes::write));
              return bytes.toByteArray();
            });
  }

  @Property(tries = 1000)
  void textIsAcceptedExactlyWhenItIsUtf8WhereverTheFragmentsCutIt(
      @ForAll("maybeText") byte[] payload,
      @ForAll("cuts") List<Integer> cuts,
      @ForAll @IntRange(min = 1, max = 20) int piece) {
    Sent sent = new Sent(true, payload, cuts, false, payload.length);
    WebSocketDecoder decoder = new WebSocketDecoder(MAX_MESSAGE);
    String strict = strictUtf8(payload);
    if (strict != null) {
      assertThatNoException(decoder, frames(sent), piece, new WebSocketMessage.Text(strict));
    } else {
      assertThatThrownBy(() -> decode(decoder, frames(sent), piece, new int[1]))
          .isInstanceOfSatisfying(
              WebSocketException.class,
              e -> assertThat(e.closeCode()).isEqualTo(WebSocket.INVALID_DATA));
    }
  }

  @Provide
  Arbitrary<List<Integer>> cuts() {
    return Arbitraries.integers().between(1, 8).list().ofMaxSize(5);
  }

  private static void assertThatNoException(
      WebSocketDecoder decoder, byte[] frames, int piece, WebSocketMessage expected) {
    try {
      assertThat(decode(decoder, frames, piece, new int[1])).containsExactly(expected);
    } catch (WebSocketException e) {
      fail("valid UTF-8 refused: " + e.getMessage());
    }
  }

  /** The JDK's strict reading of {@code bytes} as UTF-8, or {@code null} if they are not. */
  private static String strictUtf8(byte[] bytes) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  @Property(tries = 200)
  void aMessagePastTheLimitIsRefusedWith1009WhateverItsFragments(
      @ForAll @IntRange(min = 0, max = 3000) int length,
      @ForAll("cuts") List<Integer> cuts,
      @ForAll @IntRange(min = 1, max = 500) int piece) {
    int limit = 1000;
    Sent sent = new Sent(false, new byte[length], cuts.stream().map(c -> c * 97).toList(), true, 7);
    WebSocketDecoder decoder = new WebSocketDecoder(limit);
    if (length <= limit) {
      try {
        assertThat(decode(decoder, frames(sent), piece, new int[1]))
            .last()
            .isInstanceOf(WebSocketMessage.Binary.class);
      } catch (WebSocketException e) {
        fail("a message within the limit refused: " + e.getMessage());
      }
    } else {
      assertThatThrownBy(() -> decode(decoder, frames(sent), piece, new int[1]))
          .isInstanceOfSatisfying(
              WebSocketException.class,
              e -> assertThat(e.closeCode()).isEqualTo(WebSocket.TOO_BIG));
    }
  }

  /** Bytes that look like frame headers now and then, and anything else. */
  @Provide
  Arbitrary<byte[]> anyBytes() {
    Arbitrary<Byte> header =
        Arbitraries.of(0x81, 0x82, 0x01, 0x00, 0x80, 0x88, 0x89, 0x8A, 0xFE, 0xFF, 0x7E, 0x7F)
            .map(i -> (byte) (int) i);
    return Arbitraries.frequencyOf(Tuple.of(3, header), Tuple.of(7, Arbitraries.bytes()))
        .list()
        .ofMaxSize(3000)
        .map(
            list -> {
              byte[] bytes = new byte[list.size()];
              for (int i = 0; i < bytes.length; i++) {
                bytes[i] = list.get(i);
              }
              return bytes;
            });
  }

  @Property(tries = 500)
  void anyBytesGiveMessagesOrAWebSocketExceptionNeverAnotherAndBoundedMemory(
      @ForAll("anyBytes") byte[] input, @ForAll @IntRange(min = 1, max = 700) int piece) {
    int limit = 2000;
    WebSocketDecoder decoder = new WebSocketDecoder(limit);
    int[] mostHeld = {0};
    try {
      for (WebSocketMessage message : decode(decoder, input, piece, mostHeld)) {
        switch (message) {
          case WebSocketMessage.Text text ->
              assertThat(text.text().getBytes(StandardCharsets.UTF_8).length)
                  .isLessThanOrEqualTo(limit);
          case WebSocketMessage.Binary binary ->
              assertThat(binary.data().length).isLessThanOrEqualTo(limit);
          case WebSocketMessage.Ping ping ->
              assertThat(ping.data().length).isLessThanOrEqualTo(125);
          case WebSocketMessage.Pong pong ->
              assertThat(pong.data().length).isLessThanOrEqualTo(125);
          case WebSocketMessage.Close close ->
              assertThat(
                      WebSocket.isValidCloseCode(close.code())
                          || close.code() == WebSocket.NO_STATUS)
                  .isTrue();
        }
      }
    } catch (WebSocketException e) {
      assertThat(e.closeCode())
          .isIn(WebSocket.PROTOCOL_ERROR, WebSocket.INVALID_DATA, WebSocket.TOO_BIG);
      assertThat(e.getMessage()).isNotBlank();
    }
    assertThat(mostHeld[0]).isLessThanOrEqualTo(limit);
  }
}
