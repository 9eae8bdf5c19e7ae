package io.switchboard.chat.irc;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.chat.ChatEvent.Style;
import io.switchboard.chat.irc.IrcInput.Message;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * The IRC front's framing, parsing and output fed any input: whatever bytes a client sends, in
 * whatever pieces, the decoder hands out a message or a clear error for each line and never throws;
 * a line within the limits is read whole and one past them is answered as too long while the next
 * is read normally; whatever text the hub hands the format, every line it writes is one safe line
 * of at most 512 bytes that parses back to what was meant.
 */
class IrcLineProperties {

  /** Bytes that matter to IRC's framing and parsing, and everything else. */
  @Provide
  Arbitrary<byte[]> bytes() {
    Arbitrary<Byte> special =
        Arbitraries.of((byte) '\r', (byte) '\n', (byte) ' ', (byte) ':', (byte) '@', (byte) 0);
    Arbitrary<Byte> any = Arbitraries.bytes();
    Arbitrary<Byte> letter = Arbitraries.bytes().between((byte) 'A', (byte) 'z');
    return Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(3, special),
            net.jqwik.api.Tuple.of(4, letter),
            net.jqwik.api.Tuple.of(3, any))
        .list()
        .ofMaxSize(6000)
        .map(
            list -> {
              byte[] array = new byte[list.size()];
              for (int i = 0; i < array.length; i++) {
                array[i] = list.get(i);
              }
              return array;
            });
  }

  @Property(tries = 300)
  void anyBytesInAnyPiecesGiveMessagesOrClearErrorsNeverAnException(
      @ForAll("bytes") byte[] input, @ForAll @IntRange(min = 1, max = 700) int piece) {
    IrcDecoder decoder = new IrcDecoder(IrcDecoder.MAX_LINE);
    List<IrcInput> frames = new ArrayList<>();
    for (int at = 0; at < input.length; at += piece) {
      decoder.decode(
          ByteBuffer.wrap(input, at, Math.min(piece, input.length - at)).slice(), frames::add);
    }
    for (IrcInput frame : frames) {
      switch (frame) {
        case Message message -> {
          assertThat(message.command()).matches("[A-Z]+|[0-9]{3}");
          for (String param : message.params()) {
            assertThat(param).doesNotContain("\r", "\n", "\0");
          }
          for (String middle : message.params().subList(0, Math.max(0, message.size() - 1))) {
            assertThat(middle).isNotEmpty().doesNotContain(" ").doesNotStartWith(":");
          }
        }
        case IrcInput.Malformed malformed -> assertThat(malformed.reason()).isNotBlank();
        case IrcInput.TooLong tooLong -> {}
      }
    }
    // Every line that ended is accounted for: no more frames than line ends.
    long ends = 0;
    for (byte b : input) {
      if (b == '\r' || b == '\n') {
        ends++;
      }
    }
    assertThat((long) frames.size()).isLessThanOrEqualTo(ends);
  }

  @Provide
  Arbitrary<String> word() {
    return Arbitraries.strings()
        .withCharRange('a', 'z')
        .withChars("#-_.[]{}|\\^0123456789éß€")
        .ofMinLength(1)
        .ofMaxLength(30);
  }

  @Provide
  Arbitrary<String> text() {
    return Arbitraries.strings()
        .withCharRange(' ', '~')
        .withChars("\u0000\u0001\u0002\u0003\u0007\u001b\u009b\r\n\t\u2028éß€漢\uD83D\uDE00")
        .ofMaxLength(3000);
  }

  @Property(tries = 300)
  void aLineWithinTheLimitIsReadWholeAndOnePastItIsAnsweredThenTheNextIsRead(
      @ForAll("word") String verb,
      @ForAll @Size(max = 4) List<@net.jqwik.api.From("word") String> middles,
      @ForAll @IntRange(min = 0, max = 1200) int trailing,
      @ForAll @IntRange(min = 1, max = 64) int piece) {
    String command = verb.replaceAll("[^a-z]", "");
    command = command.isEmpty() ? "privmsg" : command;
    StringBuilder line = new StringBuilder(command);
    middles.forEach(middle -> line.append(' ').append(middle.replace(":", "")));
    line.append(" :").append("x".repeat(trailing));
    byte[] first = (line + "\r\n").getBytes(StandardCharsets.UTF_8);
    byte[] second = "PING :after\r\n".getBytes(StandardCharsets.US_ASCII);
    byte[] all = new byte[first.length + second.length];
    System.arraycopy(first, 0, all, 0, first.length);
    System.arraycopy(second, 0, all, first.length, second.length);

    IrcDecoder decoder = new IrcDecoder(IrcDecoder.MAX_LINE);
    List<IrcInput> frames = new ArrayList<>();
    for (int at = 0; at < all.length; at += piece) {
      decoder.decode(
          ByteBuffer.wrap(all, at, Math.min(piece, all.length - at)).slice(), frames::add);
      if (at + piece < first.length - 2) {
        assertThat(decoder.inFrame()).as("a line begun and not ended").isTrue();
      }
    }
    assertThat(decoder.inFrame()).isFalse();
    assertThat(frames).hasSize(2);
    if (first.length > 512) {
      assertThat(frames.get(0)).isInstanceOf(IrcInput.TooLong.class);
    } else {
      Message message = (Message) frames.get(0);
      assertThat(message.command()).isEqualTo(command.toUpperCase(java.util.Locale.ROOT));
      assertThat(message.param(message.size() - 1)).isEqualTo("x".repeat(trailing));
    }
    assertThat(frames.get(1)).isEqualTo(Message.of("PING", "after"));
  }

  @Property(tries = 500)
  void everyLineTheFormatWritesIsOneSafeLineThatParsesBack(
      @ForAll("word") String nick, @ForAll("word") String target, @ForAll("text") String text) {
    IrcFormat format = new IrcFormat("irc.test");
    for (String line :
        List.of(
            format.compose(null, "PRIVMSG", List.of(target, text)),
            format.numeric(IrcFormat.Numeric.RPL_TOPIC, nick, target, text),
            format.from(nick, "~u@h", "QUIT", text),
            format.error(text))) {
      assertSafe(line);
      assertThat(IrcInput.parse(line)).isInstanceOf(Message.class);
    }
  }

  @Property(tries = 300)
  void aLongMessageIsSplitIntoSafeLinesThatAddUpToIt(
      @ForAll("word") String nick, @ForAll("text") String text, @ForAll boolean action) {
    IrcFormat format = new IrcFormat("irc.test");
    String clean = io.switchboard.chat.NameRules.cleanText(text).strip();
    if (clean.isEmpty()) {
      return; // the hub never hands on an empty message
    }
    List<String> lines =
        format.message(
            nick, "~user@127.0.0.1", "#room", clean, action ? Style.ACTION : Style.PLAIN);
    StringBuilder joined = new StringBuilder();
    for (String line : lines) {
      assertSafeAllowingCtcp(line);
      Message message = (Message) IrcInput.parse(line);
      assertThat(message.command()).isEqualTo("PRIVMSG");
      String part = message.param(1);
      if (action) {
        assertThat(part).startsWith("\u0001ACTION ").endsWith("\u0001");
        part = part.substring(8, part.length() - 1);
      }
      joined.append(part);
    }
    // Cuts fall on spaces where they can: the pieces hold every other character, in order.
    assertThat(joined.toString().replace(" ", "")).isEqualTo(clean.replace(" ", ""));
  }

  private static void assertSafe(String line) {
    assertSafeAllowingCtcp(line);
    assertThat(line).doesNotContain("\u0001");
  }

  private static void assertSafeAllowingCtcp(String line) {
    assertThat(line.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(510);
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      assertThat(Character.isISOControl(c) && c != '\u0001')
          .as("control character %d in %s", (int) c, line)
          .isFalse();
      assertThat(c).isNotIn('\u2028', '\u2029');
    }
  }
}
