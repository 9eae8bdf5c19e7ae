package io.switchboard.chat.irc;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.testkit.LineClient;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * A scripted IRC client over a real socket for the tests: IRC lines are lines, so it is a {@link
 * LineClient} plus the steps the tests share (register, join, wait for a reply by its command or
 * numeric, prove that nothing else came first).
 *
 * <p>Thread contract: one test thread.
 */
final class Irc implements AutoCloseable {
  final LineClient line;
  String nick;

  Irc(LineClient line) {
    this.line = line;
  }

  static Irc connect(InetSocketAddress address) {
    return new Irc(LineClient.connect(address));
  }

  /** Connects and registers as {@code nick}. */
  static Irc as(InetSocketAddress address, String nick) {
    Irc client = connect(address);
    client.register(nick);
    return client;
  }

  Irc send(String text) {
    line.send(text);
    return this;
  }

  /** Registers as {@code nick}; returns every line up to the end of the MOTD, that one too. */
  List<String> register(String nick) {
    this.nick = nick;
    send("NICK " + nick);
    send("USER " + nick + " 0 * :" + nick + " the tester");
    List<String> lines = upTo(l -> is(l, "376") || is(l, "422"));
    assertThat(command(lines.get(0))).as("%s", lines).isEqualTo("001");
    return lines;
  }

  /** Joins {@code channel} and reads up to its RPL_ENDOFNAMES; returns those lines. */
  List<String> join(String channel) {
    send("JOIN " + channel);
    return upTo(l -> is(l, "366"));
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
  List<String> upTo(Predicate<String> wanted) {
    List<String> lines = new ArrayList<>();
    String next;
    do {
      next = line.readLine();
      lines.add(next);
    } while (!wanted.test(next));
    return lines;
  }

  /** Reads up to the first line whose command or numeric is {@code command}, and returns it. */
  String expect(String command) {
    List<String> lines = upTo(l -> is(l, command));
    return lines.get(lines.size() - 1);
  }

  /** Reads up to the first line that ends with {@code end}, and returns it. */
  String expectEnding(String end) {
    List<String> lines = upTo(l -> l.endsWith(end));
    return lines.get(lines.size() - 1);
  }

  /** The next line, which must have {@code command} or numeric {@code command}. */
  String next(String command) {
    String next = line.readLine();
    assertThat(command(next)).as(next).isEqualTo(command);
    return next;
  }

  /**
   * Proves nothing else is on its way: asks for a PONG and returns what came before it, which the
   * caller checks (replies keep the order of the commands, so everything owed came first).
   */
  List<String> drain() {
    send("PING :drained");
    List<String> lines = upTo(l -> is(l, "PONG") && l.endsWith("drained"));
    return lines.subList(0, lines.size() - 1);
  }

  @Override
  public void close() {
    line.close();
  }
}
