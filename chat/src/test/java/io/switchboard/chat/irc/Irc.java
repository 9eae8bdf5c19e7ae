package io.switchboard.chat.irc;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.testkit.LineClient;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** Steps the IRC tests share, over a {@link LineClient} (IRC lines are lines). */
final class Irc {
  private Irc() {}

  /** Registers as {@code nick} and returns every line up to the end of the MOTD, that one too. */
  static List<String> register(LineClient client, String nick) {
    client.send("NICK " + nick);
    client.send("USER " + nick + " 0 * :" + nick + " the tester");
    List<String> lines = upTo(client, line -> is(line, "376") || is(line, "422"));
    assertThat(command(lines.get(0))).isEqualTo("001");
    return lines;
  }

  /** The command or numeric of a server line ({@code :source CMD ...}). */
  static String command(String line) {
    String[] parts = line.split(" ", 3);
    return line.startsWith(":") && parts.length > 1 ? parts[1] : parts[0];
  }

  static boolean is(String line, String command) {
    return command(line).equals(command);
  }

  /** Reads lines up to and with the first that matches; returns them all. */
  static List<String> upTo(LineClient client, Predicate<String> wanted) {
    List<String> lines = new ArrayList<>();
    String line;
    do {
      line = client.readLine();
      lines.add(line);
    } while (!wanted.test(line));
    return lines;
  }

  /** Reads up to the first line whose command or numeric is {@code command}, and returns it. */
  static String expect(LineClient client, String command) {
    List<String> lines = upTo(client, line -> is(line, command));
    return lines.get(lines.size() - 1);
  }
}
