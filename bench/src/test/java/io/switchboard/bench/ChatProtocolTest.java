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

  @Test
  void theSendTimeIsFoundWhereverTheServerPutsTheText() {
    String sent = new String(bytes(ChatProtocol.stamped(123_456_789L)), StandardCharsets.UTF_8);
    assertThat(sent).startsWith("PRIVMSG #bench :bench:123456789 ").endsWith("\r\n");

    byte[] delivered = ("xx:alice!a@host PRIVMSG #bench :bench:123456789 xxxx")
        .getBytes(StandardCharsets.UTF_8);
    assertThat(ChatProtocol.stampOf(delivered, 2, delivered.length - 2)).isEqualTo(123_456_789L);
    byte[] other = "* alice joined #bench".getBytes(StandardCharsets.UTF_8);
    assertThat(ChatProtocol.stampOf(other, 0, other.length)).isEqualTo(-1);
    byte[] sync = "alice: bench-sync".getBytes(StandardCharsets.UTF_8);
    assertThat(ChatProtocol.isSync(sync, 0, sync.length)).isTrue();
    assertThat(ChatProtocol.stampOf(sync, 0, sync.length)).isEqualTo(-1);
  }

  @Test
  void pingIsAnswered() {
    byte[] ping = "PING :server".getBytes(StandardCharsets.UTF_8);
    assertThat(new String(bytes(ChatProtocol.answer(ping, 0, ping.length)),
        StandardCharsets.UTF_8)).isEqualTo("PONG :server\r\n");
    assertThat(ChatProtocol.answer(ping, 1, ping.length - 1)).isNull();
  }
}
