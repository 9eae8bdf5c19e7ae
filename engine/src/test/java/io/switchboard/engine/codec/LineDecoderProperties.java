package io.switchboard.engine.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.engine.Decoder;
import io.switchboard.engine.FrameException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;

/**
 * The line decoder fed any bytes, cut into reads at any points, with a consumer that pauses at
 * random, as the engines drive it: it yields exactly the lines a plain reading of the whole input
 * finds (so every way of splitting the same input yields the same lines) or, once a line breaks the
 * limit, a {@link FrameException} and nothing else; and it never keeps more than one line and one
 * read.
 */
class LineDecoderProperties {

  /** What decoding one input came to: the lines, and whether it ended in a FrameException. */
  private record Outcome(List<String> lines, boolean tooLong) {}

  /** Bytes rich in line ends, carriage returns and UTF-8 lead and continuation bytes. */
  @Provide
  Arbitrary<byte[]> input() {
    Arbitrary<Byte> interesting =
        Arbitraries.of((byte) '\n', (byte) '\r', (byte) 0xC3, (byte) 0xA9, (byte) 0xE2, (byte) 0);
    Arbitrary<Byte> ascii = Arbitraries.bytes().between((byte) 'a', (byte) 'e');
    Arbitrary<Byte> any = Arbitraries.bytes();
    return Arbitraries.frequencyOf(Tuple.of(3, interesting), Tuple.of(6, ascii), Tuple.of(1, any))
        .array(byte[].class)
        .ofMaxSize(400);
  }

  @Property(tries = 1000)
  void anySplitYieldsTheLinesOfTheWholeInputOrAFrameException(
      @ForAll("input") byte[] input,
      @ForAll @IntRange(min = 1, max = 40) int maxLength,
      @ForAll long seed) {
    Outcome expected = reference(input, maxLength);
    Outcome actual = decodeInPieces(input, maxLength, new Random(seed));
    assertThat(actual).isEqualTo(expected);
  }

  @Property(tries = 300)
  void twoDifferentSplitsOfOneInputYieldTheSameLines(
      @ForAll("input") byte[] input,
      @ForAll @IntRange(min = 1, max = 40) int maxLength,
      @ForAll long first,
      @ForAll long second) {
    assertThat(decodeInPieces(input, maxLength, new Random(first)))
        .isEqualTo(decodeInPieces(input, maxLength, new Random(second)));
  }

  /**
   * Feeds {@code input} in reads of random length (0 included), with a sink that refuses a frame
   * now and then (a paused connection): then, like an engine, it calls with an empty buffer until
   * the kept frames are out before it reads on. Checks the memory bound after every call.
   */
  private static Outcome decodeInPieces(byte[] input, int maxLength, Random random) {
    LineDecoder decoder = new LineDecoder(maxLength);
    List<String> lines = new ArrayList<>();
    boolean[] paused = new boolean[1];
    Decoder.FrameSink<String> sink =
        line -> {
          lines.add(line);
          paused[0] = random.nextInt(5) == 0;
          return !paused[0];
        };
    int maxRead = 1 + random.nextInt(64);
    try {
      int at = 0;
      while (at < input.length) {
        int length = Math.min(input.length - at, random.nextInt(maxRead + 1));
        // A read lands in a larger buffer, at an offset: the decoder must honour both.
        byte[] read = new byte[length + 8];
        System.arraycopy(input, at, read, 4, length);
        paused[0] = false;
        decoder.decode(ByteBuffer.wrap(read, 4, length), sink);
        at += length;
        assertBounded(decoder, maxLength, maxRead);
        while (paused[0]) {
          paused[0] = false;
          decoder.decode(ByteBuffer.allocate(0), sink);
          assertBounded(decoder, maxLength, maxRead);
        }
      }
      boolean more = true;
      while (more) {
        int before = lines.size();
        decoder.finish(sink);
        more = lines.size() > before && paused[0];
      }
      return new Outcome(lines, false);
    } catch (FrameException e) {
      assertThat(e).hasMessageContaining("line too long");
      return new Outcome(lines, true);
    }
  }

  /** At most one line beyond the limit and one read are kept, whatever came before. */
  private static void assertBounded(LineDecoder decoder, int maxLength, int maxRead) {
    assertThat(decoder.keptBytes()).isLessThanOrEqualTo(2 * (maxLength + 2 + maxRead) + 256);
  }

  /**
   * The rules read plainly from the whole input: lines end at LF, a CR before the LF is not part of
   * the line, a line longer than {@code maxLength} bytes ends decoding with an error, as does a
   * last unfinished line that has grown past the limit (plus one byte for a CR whose LF is still to
   * come); at the end of input an unfinished line within the limit is the last line.
   */
  private static Outcome reference(byte[] input, int maxLength) {
    List<String> lines = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < input.length; i++) {
      if (input[i] == '\n') {
        int end = i > start && input[i - 1] == '\r' ? i - 1 : i;
        if (end - start > maxLength) {
          return new Outcome(lines, true);
        }
        lines.add(new String(Arrays.copyOfRange(input, start, end), StandardCharsets.UTF_8));
        start = i + 1;
      }
    }
    int rest = input.length - start;
    if (rest > maxLength + 1) {
      return new Outcome(lines, true);
    }
    if (rest > 0) {
      int end = input[input.length - 1] == '\r' ? input.length - 1 : input.length;
      if (end - start > maxLength) {
        return new Outcome(lines, true);
      }
      lines.add(new String(Arrays.copyOfRange(input, start, end), StandardCharsets.UTF_8));
    }
    return new Outcome(lines, false);
  }
}
