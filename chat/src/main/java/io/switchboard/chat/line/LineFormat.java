package io.switchboard.chat.line;

import io.switchboard.chat.ChatEvent;
import io.switchboard.chat.ChatEvent.Connected;
import io.switchboard.chat.ChatEvent.Entered;
import io.switchboard.chat.ChatEvent.History;
import io.switchboard.chat.ChatEvent.Joined;
import io.switchboard.chat.ChatEvent.Left;
import io.switchboard.chat.ChatEvent.Renamed;
import io.switchboard.chat.ChatEvent.Said;
import io.switchboard.chat.ChatEvent.Whispered;
import io.switchboard.chat.ChatHub.RoomCount;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The chat line protocol spelled once ({@code docs/chat-protocol.md} gives the grammar): the
 * commands a client sends, and how the server writes each hub event, reply and error. The server's
 * front, the terminal client and the bench all speak it through this class, so the three cannot
 * drift apart.
 *
 * <p>Every line the server sends starts with a marker a script can switch on: {@value #ROOM} a
 * room's traffic, {@value #PRIVATE} a private message, {@value #REPLY} a reply or notice for this
 * client only, {@value #ERROR} an error with a stable code. Lines are returned without their
 * terminator ({@link #EOL}).
 *
 * <p>Thread contract: stateless, any thread.
 */
public final class LineFormat {
  /** What ends every line the server sends. */
  public static final String EOL = "\r\n";

  public static final String ROOM = "#";
  public static final String PRIVATE = "[";
  public static final String REPLY = "= ";
  public static final String ERROR = "! ";

  // The commands (verbs after "/"), as the front matches them and the clients send them.
  public static final String NICK = "nick";
  public static final String JOIN = "join";
  public static final String LEAVE = "leave";
  public static final String ROOMS = "rooms";
  public static final String WHO = "who";
  public static final String MSG = "msg";
  public static final String ME = "me";
  public static final String HISTORY = "history";
  public static final String QUIT = "quit";
  public static final String HELP = "help";

  // The error codes the front itself raises (the hub's come from ChatException.Code).
  public static final String USAGE = "usage";
  public static final String UNKNOWN_COMMAND = "unknown-command";
  public static final String LINE_TOO_LONG = "line-too-long";
  public static final String LINE_TIMEOUT = "line-timeout";
  public static final String TOO_SLOW = "too-slow";
  public static final String SERVER_FULL = "server-full";

  private static final String JOINED = REPLY + "joined " + ROOM;
  private static final String TALKING_IN = "talking in " + ROOM;
  private static final String LEFT = REPLY + "left " + ROOM;
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);

  private LineFormat() {}

  // ---- What a client sends -------------------------------------------------------------------

  /** A command line, e.g. {@code command(JOIN, "dev")} is {@code /join dev}. */
  public static String command(String verb, String argument) {
    return argument == null || argument.isEmpty() ? "/" + verb : "/" + verb + " " + argument;
  }

  /** True for {@code /quit} with or without a reason, in any case. */
  public static boolean isQuit(String line) {
    String stripped = line.strip();
    return stripped.equalsIgnoreCase("/" + QUIT)
        || stripped.regionMatches(true, 0, "/" + QUIT + " ", 0, QUIT.length() + 2);
  }

  // ---- What the server sends -----------------------------------------------------------------

  /** The event as one or more lines, joined by {@link #EOL}, without a final terminator. */
  public static String render(ChatEvent event) {
    return switch (event) {
      case Connected c -> reply("you are " + c.name() + "; /nick NAME changes it");
      case Said said -> said(said);
      case Whispered w -> PRIVATE + w.from() + " -> " + w.to() + "] " + w.text();
      case Joined j -> notice(j.room(), j.name() + " joined");
      case Left left ->
          notice(
              left.room(),
              left.name()
                  + " "
                  + switch (left.how()) {
                    case LEFT -> "left";
                    case QUIT -> "quit";
                    case DISCONNECTED -> "disconnected";
                  }
                  + (left.reason() == null || left.reason().isEmpty()
                      ? ""
                      : " (" + left.reason() + ")"));
      case Renamed r -> notice(r.room(), r.oldName() + " is now " + r.newName());
      case Entered e ->
          JOINED
              + e.room()
              + ", members ("
              + e.members().size()
              + "): "
              + String.join(", ", e.members());
      case History h -> history(h);
    };
  }

  public static String welcome() {
    return reply("welcome to switchboard chat; type a line to talk, /help lists the commands");
  }

  /** The answer to {@code /nick} alone. */
  public static String yourName(String name) {
    return reply("you are " + name);
  }

  /** The answer to {@code /nick NAME}. */
  public static String renamed(String name) {
    return reply("you are now " + name);
  }

  /** The answer to {@code /join} of a room the client is in already. */
  public static String talkingIn(String room) {
    return REPLY + TALKING_IN + room;
  }

  /** The answer to {@code /leave}: the room left and the one talked in now ({@code null}: none). */
  public static String left(String room, String now) {
    return LEFT
        + room
        + (now == null ? "; you are in no room, /join ROOM to talk" : "; " + TALKING_IN + now);
  }

  public static String rooms(List<RoomCount> rooms) {
    return reply(
        "rooms ("
            + rooms.size()
            + "): "
            + rooms.stream()
                .map(room -> ROOM + room.room() + " " + room.members())
                .collect(Collectors.joining(", ")));
  }

  public static String members(String room, List<String> names) {
    return reply(
        "members of " + ROOM + room + " (" + names.size() + "): " + String.join(", ", names));
  }

  public static String bye() {
    return reply("bye");
  }

  /** The last line a member gets when the server shuts down. */
  public static String shuttingDown() {
    return reply("server shutting down");
  }

  public static String reply(String text) {
    return REPLY + text;
  }

  public static String error(String code, String text) {
    return ERROR + code + " " + text;
  }

  // ---- Reading what the server sends (the clients) -------------------------------------------

  /**
   * The room a client talks in after the server sent it {@code line}, given the one it talked in
   * before ({@code null}: none): a join, a {@code /join} of a room it is in, or a leave change it.
   */
  public static String roomAfter(String line, String room) {
    if (line.startsWith(JOINED)) {
      int comma = line.indexOf(',', JOINED.length());
      return comma < 0 ? room : line.substring(JOINED.length(), comma);
    }
    if (line.startsWith(REPLY + TALKING_IN)) {
      return line.substring((REPLY + TALKING_IN).length());
    }
    if (line.startsWith(LEFT)) {
      int talking = line.indexOf("; " + TALKING_IN);
      return talking < 0 ? null : line.substring(talking + ("; " + TALKING_IN).length());
    }
    return room;
  }

  /** True for an error line ({@code ! code text}). */
  public static boolean isError(String line) {
    return line.startsWith(ERROR);
  }

  /** The codes of the errors after which the server closes the connection. */
  public static final Set<String> ENDS_SESSION =
      Set.of(TOO_SLOW, LINE_TOO_LONG, LINE_TIMEOUT, SERVER_FULL);

  /** The code of an error line ({@code ! code text}), or {@code null} for any other line. */
  public static String errorCode(String line) {
    if (!isError(line)) {
      return null;
    }
    int space = line.indexOf(' ', ERROR.length());
    return space < 0 ? line.substring(ERROR.length()) : line.substring(ERROR.length(), space);
  }

  /** The text of an error line after its code, or {@code null} for any other line. */
  public static String errorText(String line) {
    if (!isError(line)) {
      return null;
    }
    int space = line.indexOf(' ', ERROR.length());
    return space < 0 ? "" : line.substring(space + 1);
  }

  // ---- The pieces ----------------------------------------------------------------------------

  private static String notice(String room, String what) {
    return ROOM + room + " -- " + what;
  }

  private static String said(Said said) {
    return ROOM
        + said.room()
        + (said.action()
            ? " * " + said.from() + " " + said.text()
            : " <" + said.from() + "> " + said.text());
  }

  private static String history(History history) {
    StringBuilder lines = new StringBuilder(64 * (history.messages().size() + 1));
    lines.append(
        reply(
            "history "
                + ROOM
                + history.room()
                + ": "
                + history.messages().size()
                + " messages (the room keeps "
                + history.kept()
                + ")"));
    for (Said said : history.messages()) {
      lines
          .append(EOL)
          .append(REPLY)
          .append(TIME.format(said.time()))
          .append(' ')
          .append(said(said));
    }
    return lines.toString();
  }
}
