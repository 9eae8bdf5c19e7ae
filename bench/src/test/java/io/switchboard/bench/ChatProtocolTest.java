package io.switchboard.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ChatProtocolTest {

  private static byte[] bytes(ByteBuffer buffer) {
    byte[] out = new byte[buffer.remaining()];
    buffer.get(out);
    return out;
  }

  private static String text(ByteBuffer buffer) {
    return new String(bytes(buffer), StandardCharsets.UTF_8);
  }

  @Test
  void speaksTheChatLineProtocol() {
    assertThat(text(ChatProtocol.join("r7"))).isEqualTo("/leave\r\n/nick r7\r\n/join bench\r\n");
    assertThat(text(ChatProtocol.stamped(123_456_789L)))
        .startsWith("bench:123456789 x")
        .endsWith("x\r\n")
        .doesNotStartWith("/");
    assertThat(text(ChatProtocol.sync())).isEqualTo("bench-sync\r\n");
  }

  @Test
  void theSendTimeIsFoundWhereverTheServerPutsTheText() {
    byte[] delivered = "xx#bench <s105> bench:123456789 xxxx".getBytes(StandardCharsets.UTF_8);
    assertThat(ChatProtocol.stampOf(delivered, 2, delivered.length - 2)).isEqualTo(123_456_789L);
    byte[] other = "#bench -- s105 joined".getBytes(StandardCharsets.UTF_8);
    assertThat(ChatProtocol.stampOf(other, 0, other.length)).isEqualTo(-1);
    byte[] sync = "#bench <s105> bench-sync".getBytes(StandardCharsets.UTF_8);
    assertThat(ChatProtocol.isSync(sync, 0, sync.length)).isTrue();
    assertThat(ChatProtocol.stampOf(sync, 0, sync.length)).isEqualTo(-1);
  }

  @Test
  void errorLinesAreRecognised() {
    byte[] flood = "! flood too many lines".getBytes(StandardCharsets.UTF_8);
    assertThat(ChatProtocol.isError(flood, 0, flood.length)).isTrue();
    byte[] reply = "= joined #bench, members (1): r7".getBytes(StandardCharsets.UTF_8);
    assertThat(ChatProtocol.isError(reply, 0, reply.length)).isFalse();
  }
}
