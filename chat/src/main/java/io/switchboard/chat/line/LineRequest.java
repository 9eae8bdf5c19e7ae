package io.switchboard.chat.line;

import java.util.Locale;

/**
 * What one line from a client asks for, parsed and nothing done yet: a message to the current room,
 * one of the commands with its arguments checked, a line to ignore, or why the line is no valid
 * command. {@link #parse} is total: every string is one of these, never an exception, so the front
 * only acts on what it is handed ({@code docs/chat-protocol.md} has the grammar).
 *
 * <p>Thread contract: immutable values; {@link #parse} is stateless, any thread.
 */
public sealed interface LineRequest {

  /** A blank line: no answer. */
  record Blank() implements LineRequest {}

  /** A message to the current room (a line without {@code /}, or {@code //text}). */
  record Say(String text) implements LineRequest {}

  /** {@code /nick [NAME]}; {@code name} is {@code null} when the client asks for its name. */
  record Nick(String name) implements LineRequest {}

  /** {@code /join ROOM [KEY]}; {@code key} is {@code null} without one (a room may ask for one). */
  record Join(String room, String key) implements LineRequest {}

  /** {@code /leave [ROOM]}; {@code room} is {@code null} for the current one. */
  record Leave(String room) implements LineRequest {}

  record Rooms() implements LineRequest {}

  /** {@code /who [ROOM]}; {@code room} is {@code null} for the current one. */
  record Who(String room) implements LineRequest {}

  record Whisper(String to, String text) implements LineRequest {}

  /** {@code /me ACTION}. */
  record Act(String text) implements LineRequest {}

  /** {@code /history [N]}; {@code count} is {@code null} for all the room keeps. */
  record History(Integer count) implements LineRequest {}

  /** {@code /quit [REASON]}; {@code reason} is {@code null} without one. */
  record Quit(String reason) implements LineRequest {}

  record Help() implements LineRequest {}

  /** Not a valid command: the error code and text the client is answered with. */
  record Invalid(String code, String text) implements LineRequest {}

  /** Parses one line as received (without its terminator). */
  static LineRequest parse(String line) {
    if (line.isBlank()) {
      return new Blank();
    }
    if (line.startsWith("//")) {
      return new Say(line.substring(1));
    }
    if (!line.startsWith("/")) {
      return new Say(line);
    }
    int space = line.indexOf(' ');
    String verb =
        (space < 0 ? line.substring(1) : line.substring(1, space)).toLowerCase(Locale.ROOT);
    String rest = space < 0 ? "" : line.substring(space + 1).strip();
    String optional = rest.isEmpty() ? null : rest;
    return switch (verb) {
      case LineFormat.NICK -> new Nick(optional);
      case LineFormat.JOIN -> rest.isEmpty() ? usage("/join ROOM [KEY]") : join(rest);
      case LineFormat.LEAVE, "part" -> new Leave(optional);
      case LineFormat.ROOMS, "list" -> new Rooms();
      case LineFormat.WHO, "names" -> new Who(optional);
      case LineFormat.MSG, "tell" -> whisper(rest);
      case LineFormat.ME -> rest.isEmpty() ? usage("/me ACTION") : new Act(rest);
      case LineFormat.HISTORY -> history(rest);
      case LineFormat.QUIT, "exit" -> new Quit(optional);
      case LineFormat.HELP, "?" -> new Help();
      default ->
          new Invalid(
              LineFormat.UNKNOWN_COMMAND, "/" + verb + " is not a command; /help lists them");
    };
  }

  private static LineRequest join(String rest) {
    int split = rest.indexOf(' ');
    return split < 0
        ? new Join(rest, null)
        : new Join(rest.substring(0, split), rest.substring(split + 1).strip());
  }

  private static LineRequest whisper(String rest) {
    int split = rest.indexOf(' ');
    if (split < 0 || rest.substring(split + 1).isBlank()) {
      return usage("/msg NAME TEXT");
    }
    return new Whisper(rest.substring(0, split), rest.substring(split + 1));
  }

  private static LineRequest history(String rest) {
    if (rest.isEmpty()) {
      return new History(null);
    }
    try {
      return new History(Integer.parseInt(rest));
    } catch (NumberFormatException e) {
      return usage("/history [N]");
    }
  }

  private static Invalid usage(String usage) {
    return new Invalid(LineFormat.USAGE, usage);
  }
}
