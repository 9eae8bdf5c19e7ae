package io.switchboard.engine.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.engine.FrameException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LineDecoderTest {
  private final List<String> lines = new ArrayList<>();

  private static ByteBuffer bytes(String text) {
    return ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void yieldsEveryLineOfOneRead() throws FrameException {
    new LineDecoder(100).decode(bytes("a\nbb\r\nccc\n"), lines::add);
    assertThat(lines).containsExactly("a", "bb", "ccc");
  }

  @Test
  void keepsAPartialLineAndAPartialCharacterAcrossReads() throws FrameException {
    LineDecoder decoder = new LineDecoder(100);
    byte[] euro = "€\n".getBytes(StandardCharsets.UTF_8); // three bytes, then LF
    decoder.decode(bytes("price: "), lines::add);
    decoder.decode(ByteBuffer.wrap(euro, 0, 1), lines::add);
    decoder.decode(ByteBuffer.wrap(euro, 1, 1), lines::add);
    assertThat(lines).isEmpty();
    decoder.decode(ByteBuffer.wrap(euro, 2, 2), lines::add);
    assertThat(lines).containsExactly("price: €");
  }

  @Test
  void crAndLfInSeparateReads() throws FrameException {
    LineDecoder decoder = new LineDecoder(100);
    decoder.decode(bytes("one\r"), lines::add);
    decoder.decode(bytes("\ntwo\n"), lines::add);
    assertThat(lines).containsExactly("one", "two");
  }

  @Test
  void invalidUtf8IsReplacedNotFatal() throws FrameException {
    new LineDecoder(100)
        .decode(ByteBuffer.wrap(new byte[] {'a', (byte) 0xff, 'b', '\n'}), lines::add);
    assertThat(lines).containsExactly("a\uFFFDb");
  }

  @Test
  void aLineOfExactlyTheLimitPassesOneMoreFails() throws FrameException {
    LineDecoder decoder = new LineDecoder(5);
    decoder.decode(bytes("12345\r\n"), lines::add);
    assertThat(lines).containsExactly("12345");
    assertThatThrownBy(() -> new LineDecoder(5).decode(bytes("123456\n"), lines::add))
        .isInstanceOf(FrameException.class)
        .hasMessageContaining("line too long");
  }

  @Test
  void anOverlongLineFailsBeforeItsEndArrives() throws FrameException {
    LineDecoder decoder = new LineDecoder(5);
    decoder.decode(bytes("123"), lines::add);
    assertThatThrownBy(() -> decoder.decode(bytes("4567"), lines::add))
        .isInstanceOf(FrameException.class);
  }

  @Test
  void stopsWhenTheSinkSaysSoAndResumesWithTheRest() throws FrameException {
    LineDecoder decoder = new LineDecoder(100);
    decoder.decode(
        bytes("a\nb\nc\npartial"),
        line -> {
          lines.add(line);
          return false; // paused after each line
        });
    assertThat(lines).containsExactly("a");
    decoder.decode(ByteBuffer.allocate(0), line -> lines.add(line) && !line.equals("b"));
    assertThat(lines).containsExactly("a", "b");
    decoder.decode(bytes(" line\n"), lines::add);
    assertThat(lines).containsExactly("a", "b", "c", "partial line");
  }

  @Test
  void finishHandsOutTheLastUnterminatedLine() throws FrameException {
    LineDecoder decoder = new LineDecoder(100);
    decoder.decode(bytes("x\ny"), lines::add);
    decoder.finish(lines::add);
    assertThat(lines).containsExactly("x", "y");
  }

  @Test
  void directBuffersDecodeAlike() throws FrameException {
    ByteBuffer direct = ByteBuffer.allocateDirect(16);
    direct.put("héllo\nwo".getBytes(StandardCharsets.UTF_8)).flip();
    LineDecoder decoder = new LineDecoder(100);
    decoder.decode(direct, lines::add);
    decoder.decode(bytes("rld\n"), lines::add);
    assertThat(lines).containsExactly("héllo", "world");
  }
}
