package io.switchboard.chat;

import io.switchboard.chat.line.LineFormat;
import io.switchboard.testkit.LineClient;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * The chat conversation steps the tests repeat (every front's suite), over testkit's {@link
 * LineClient}.
 */
public final class ChatLines {
  private ChatLines() {}

  /**
   * Says 1 KB lines in the lobby through {@code send}, in batches of 50, until {@code watcher}
   * hears that {@code member} was dropped as too slow; returns how many lines that took. The
   * watcher keeps up, so it never holds more than a batch; a member that does not read fills its
   * socket buffers and then its queue past the cap. Bounded (20,000 lines), so a hub that never
   * drops makes the caller's assertion fail instead of filling memory.
   *
   * @return the lines said, or -1 if the member was never dropped
   */
  public static int floodUntilDropped(Consumer<byte[]> send, LineClient watcher, String member) {
    String filler = "x".repeat(1000);
    String notice = "#lobby -- " + member + " disconnected (too slow)";
    int said = 0;
    while (said < 20_000) {
      StringBuilder batch = new StringBuilder();
      for (int i = 0; i < 50; i++) {
        batch.append(filler).append(' ').append(++said).append('\n');
      }
      send.accept(batch.toString().getBytes(StandardCharsets.UTF_8));
      String last = " " + said;
      if (watcher.until(line -> line.endsWith(last)).stream().anyMatch(notice::equals)) {
        return said;
      }
    }
    return -1;
  }

  /** Reads the greeting and returns the generated name. */
  public static String greeting(LineClient client) {
    String you = client.expectPrefix(LineFormat.reply("you are "));
    return you.substring(LineFormat.reply("you are ").length(), you.indexOf(';'));
  }

  /** A line client called {@code name}, in #lobby, on the line front at {@code address}. */
  public static LineClient inLobby(InetSocketAddress address, String name) {
    LineClient client = LineClient.connect(address);
    client.expectPrefix(LineFormat.reply("joined #lobby"));
    nick(client, name);
    return client;
  }

  /** Sets a name and waits for the confirmation. */
  public static void nick(LineClient client, String name) {
    client.send(LineFormat.command(LineFormat.NICK, name));
    client.until(LineFormat.renamed(name));
  }
}
