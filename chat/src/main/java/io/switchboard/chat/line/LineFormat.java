package io.switchboard.chat.line;

import io.switchboard.chat.ChatEvent;
import io.switchboard.chat.ChatEvent.Connected;
import io.switchboard.chat.ChatEvent.Entered;
import io.switchboard.chat.ChatEvent.Failed;
import io.switchboard.chat.ChatEvent.History;
import io.switchboard.chat.ChatEvent.Invited;
import io.switchboard.chat.ChatEvent.Joined;
import io.switchboard.chat.ChatEvent.Kicked;
import io.switchboard.chat.ChatEvent.Left;
import io.switchboard.chat.ChatEvent.Missed;
import io.switchboard.chat.ChatEvent.Renamed;
import io.switchboard.chat.ChatEvent.RoomChanged;
import io.switchboard.chat.ChatEvent.Said;
import io.switchboard.chat.ChatEvent.TopicChanged;
import io.switchboard.chat.ChatEvent.Whispered;
import io.switchboard.chat.ChatHub.RoomCount;
import io.switchboard.chat.NameRules;
import io.switchboard.chat.RoomChange;
import io.switchboard.chat.Topic;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
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
  private static final String BIG_ROOM =
      "a big room: joins, leaves and renames are not announced; /who lists the members";
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

  /** The event as the lines the client is sent (one, or several for a history), unterminated. */
  public static List<String> render(ChatEvent event) {
    if (event instanceof History h) {
      return history(h);
    }
    if (event instanceof Entered e && e.topic() != null) {
      return List.of(renderOne(e), topic(e.room(), e.topic())); // then the topic, if one is set
    }
    return List.of(renderOne(event));
  }

  private static String renderOne(ChatEvent event) {
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
          e.members().isEmpty()
              ? JOINED + e.room() + ", members (" + e.count() + "); " + BIG_ROOM
              : JOINED
                  + e.room()
                  + ", members ("
                  + e.count()
                  + "): "
                  + String.join(", ", e.members());
      case History h -> throw new IllegalArgumentException("a history is several lines");
      case Kicked k ->
          notice(
              k.room(),
              k.name()
                  + " was kicked by "
                  + k.by()
                  + (k.reason() == null || k.reason().isEmpty() ? "" : " (" + k.reason() + ")"));
      case Invited i ->
          reply(i.by() + " invites you to " + ROOM + i.room() + "; /join " + i.room());
      case TopicChanged t ->
          notice(
              t.room(),
              t.by()
                  + (t.topic().text().isEmpty()
                      ? " cleared the topic"
                      : " set the topic: " + t.topic().text()));
      case RoomChanged r ->
          notice(
              r.room(),
              r.by()
                  + " "
                  + r.changes().stream().map(LineFormat::change).collect(Collectors.joining(", ")));
      case Missed m -> reply(m.sentence());
      case Failed f -> error(f.error().code().token(), f.error().getMessage());
    };
  }

  /** The reply that tells a room's topic: {@code = topic #room: TEXT (set by NAME)}. */
  public static String topic(String room, Topic topic) {
    return reply("topic " + ROOM + room + ": " + topic.text() + " (set by " + topic.setBy() + ")");
  }

  /**
   * One change to a room, as a phrase after the name of who made it ("made bob an operator"); the
   * browser front shows the same words.
   */
  public static String change(RoomChange change) {
    boolean on = change.on();
    String what = change.argument();
    return switch (change.setting()) {
      case OPERATOR -> on ? "made " + what + " an operator" : "took operator from " + what;
      case VOICE -> on ? "gave " + what + " a voice" : "took the voice from " + what;
      case TOPIC_LOCKED -> on ? "let only operators set the topic" : "let anyone set the topic";
      case MEMBERS_ONLY -> on ? "took messages from members only" : "took messages from outside";
      case MODERATED -> on ? "moderated the room" : "ended moderation";
      case INVITE_ONLY -> on ? "made the room invite-only" : "opened the room to all";
      case SECRET -> on ? "made the room secret" : "listed the room";
      case KEY -> on ? "set the key to " + what : "removed the key";
      case LIMIT -> on ? "limited the room to " + what + " members" : "removed the member limit";
      case BAN -> on ? "banned " + what : "lifted the ban on " + what;
    };
  }

  /** The answer to {@code /help}, one line each; the browser front shows the same. */
  public static final List<String> HELP_LINES =
      List.of(
          "commands (a line without / is a message to your current room; start it with // to"
              + " send a line that begins with /):",
          "/nick NAME        change your name (1-24 letters, digits, - _ .)",
          "/join ROOM [KEY]  join or create a room and talk there (you may be in several)",
          "/leave [ROOM]     leave a room (default: the one you talk in)",
          "/rooms            list rooms with member counts",
          "/who [ROOM]       list a room's members",
          "/msg NAME TEXT    private message",
          "/me ACTION        say what you do, e.g. /me waves",
          "/history [N]      replay the room's last N messages",
          "/quit [REASON]    say goodbye and disconnect",
          "/help             this list");

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

  // ---- The wire ------------------------------------------------------------------------------

  /**
   * The one way a server line becomes bytes on the wire: whatever field of the line a character
   * came from (a name, a room, a message, a quit reason, a command echoed in an error), control
   * characters are removed, so nothing a client sends can move another client's cursor, ring its
   * bell, retitle its terminal or start a forged line with a bare CR ({@link NameRules#cleanText}:
   * C0 and C1 controls, DEL and the Unicode line separators; a tab becomes a space). Then CRLF.
   */
  public static byte[] wire(String line) {
    return (NameRules.cleanText(line) + EOL).getBytes(StandardCharsets.UTF_8);
  }

  /** {@link #wire(String)} for several lines, in order, in one buffer. */
  public static byte[] wire(List<String> lines) {
    if (lines.size() == 1) {
      return wire(lines.get(0));
    }
    StringBuilder text = new StringBuilder(64 * lines.size());
    for (String line : lines) {
      text.append(NameRules.cleanText(line)).append(EOL);
    }
    return text.toString().getBytes(StandardCharsets.UTF_8);
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

  private static List<String> history(History history) {
    List<String> lines = new ArrayList<>(history.messages().size() + 1);
    lines.add(
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
      lines.add(REPLY + TIME.format(said.time()) + ' ' + said(said));
    }
    return lines;
  }
}
