package io.switchboard.chat.irc;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What one line from an IRC client is, once framed and parsed: a {@link Message}, a line too long
 * to take ({@link TooLong}, answered with {@code 417}), or a line that is no message ({@link
 * Malformed}). {@link #parse} is total: every string is one of these, never an exception, so the
 * front only acts on what it is handed.
 *
 * <p>The grammar is modern IRC's ({@code modern.ircdocs.horse}, "Message Format"): {@code ['@' tags
 * SPACE] [':' source SPACE] command *(SPACE middle) [SPACE ':' trailing]}, where one or more spaces
 * separate the parts and the command is letters or three digits.
 *
 * <p>Thread contract: immutable values; {@link #parse} is stateless, any thread.
 */
public sealed interface IrcInput {

  /**
   * A parsed message: tags (unescaped, in order; empty when none), the source a client should not
   * send ({@code null} when absent), the command in upper case, and the parameters with the
   * trailing one's colon removed.
   */
  record Message(Map<String, String> tags, String source, String command, List<String> params)
      implements IrcInput {
    public Message {
      tags = Collections.unmodifiableMap(new LinkedHashMap<>(tags));
      params = List.copyOf(params);
    }

    /** A message without tags or source, for tests and the server's own use. */
    public static Message of(String command, String... params) {
      return new Message(Map.of(), null, command, List.of(params));
    }

    /** The parameter at {@code index}, or {@code null} if there are fewer. */
    public String param(int index) {
      return index < params.size() ? params.get(index) : null;
    }

    /** How many parameters there are. */
    public int size() {
      return params.size();
    }
  }

  /**
   * The line passed IRC's limits: 512 bytes with its CRLF for the message, 4094 more for tags.
   * Nothing of it is acted on; the client hears {@code 417} and may go on.
   */
  record TooLong() implements IrcInput {}

  /**
   * The line is no IRC message (no command, a bad command, a NUL byte): {@code reason} says why.
   */
  record Malformed(String reason) implements IrcInput {}

  /** Parses one line as received, without its line end. An empty line is {@link Malformed}. */
  static IrcInput parse(String line) {
    if (line.indexOf('\0') >= 0) {
      return new Malformed("a line may not contain a NUL byte");
    }
    int at = 0;
    int length = line.length();
    Map<String, String> tags = Map.of();
    if (at < length && line.charAt(at) == '@') {
      int space = line.indexOf(' ', at);
      if (space < 0) {
        return new Malformed("tags without a command");
      }
      tags = tags(line.substring(at + 1, space));
      at = skipSpaces(line, space);
    }
    String source = null;
    if (at < length && line.charAt(at) == ':') {
      int space = line.indexOf(' ', at);
      if (space < 0) {
        return new Malformed("a source without a command");
      }
      source = line.substring(at + 1, space);
      at = skipSpaces(line, space);
    }
    if (at >= length) {
      return new Malformed("no command");
    }
    int end = line.indexOf(' ', at);
    if (end < 0) {
      end = length;
    }
    String command = line.substring(at, end);
    if (!isCommand(command)) {
      return new Malformed("'" + command + "' is not a command: letters, or three digits");
    }
    List<String> params = new ArrayList<>();
    at = skipSpaces(line, end);
    while (at < length) {
      if (line.charAt(at) == ':') {
        params.add(line.substring(at + 1));
        break;
      }
      int space = line.indexOf(' ', at);
      if (space < 0) {
        params.add(line.substring(at));
        break;
      }
      params.add(line.substring(at, space));
      at = skipSpaces(line, space);
    }
    return new Message(tags, source, command.toUpperCase(Locale.ROOT), params);
  }

  private static int skipSpaces(String line, int at) {
    while (at < line.length() && line.charAt(at) == ' ') {
      at++;
    }
    return at;
  }

  private static boolean isCommand(String command) {
    if (command.length() == 3 && command.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return true;
    }
    return !command.isEmpty()
        && command.chars().allMatch(c -> (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'));
  }

  /** {@code key[=value];...}, values unescaped as IRCv3 message-tags says; bad parts ignored. */
  private static Map<String, String> tags(String section) {
    Map<String, String> tags = new LinkedHashMap<>();
    for (String tag : section.split(";", -1)) {
      if (tag.isEmpty()) {
        continue;
      }
      int equals = tag.indexOf('=');
      String key = equals < 0 ? tag : tag.substring(0, equals);
      if (!key.isEmpty()) {
        tags.put(key, equals < 0 ? "" : unescape(tag.substring(equals + 1)));
      }
    }
    return tags;
  }

  private static String unescape(String value) {
    if (value.indexOf('\\') < 0) {
      return value;
    }
    StringBuilder out = new StringBuilder(value.length());
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c != '\\') {
        out.append(c);
        continue;
      }
      if (++i == value.length()) {
        break; // a lone backslash at the end is dropped
      }
      char escaped = value.charAt(i);
      switch (escaped) {
        case ':' -> out.append(';');
        case 's' -> out.append(' ');
        case '\\' -> out.append('\\');
        case 'r' -> out.append('\r');
        case 'n' -> out.append('\n');
        default -> out.append(escaped);
      }
    }
    return out.toString();
  }
}
