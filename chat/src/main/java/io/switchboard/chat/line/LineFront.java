package io.switchboard.chat.line;

import io.switchboard.chat.ChatEvent;
import io.switchboard.chat.ChatException;
import io.switchboard.chat.ChatHub;
import io.switchboard.chat.Member;
import io.switchboard.chat.NameRules;
import io.switchboard.chat.Session;
import io.switchboard.engine.AttributeKey;
import io.switchboard.engine.Connection;
import io.switchboard.engine.FrameException;
import io.switchboard.engine.FrameTimeoutException;
import io.switchboard.engine.Handler;
import io.switchboard.engine.IdleTimeoutException;
import io.switchboard.engine.OutboundOverflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * The line protocol front of the chat hub: one line in is a message or a {@code /command}, hub
 * events go out as lines ({@link LineFormat}, {@code docs/chat-protocol.md}). Plain enough for
 * {@code nc}, telnet, a script or a device that sends lines.
 *
 * <p>Thread contract: the engine calls this handler for one connection at a time, in order, so a
 * connection's {@link LineMember} and {@link Session} are used by one thread at a time here; the
 * hub may deliver events to a member from any thread (see {@link Member}).
 */
public final class LineFront implements Handler<String> {
  private static final AttributeKey<LineMember> MEMBER = AttributeKey.named("chat-member");
  private static final String CRLF = LineFormat.EOL;

  private static final List<String> HELP =
      List.of(
          "commands (a line without / is a message to your current room; start it with // to"
              + " send a line that begins with /):",
          "/nick NAME        change your name (1-24 letters, digits, - _ .)",
          "/join ROOM        join or create a room and talk there (you may be in several)",
          "/leave [ROOM]     leave a room (default: the one you talk in)",
          "/rooms            list rooms with member counts",
          "/who [ROOM]       list a room's members",
          "/msg NAME TEXT    private message",
          "/me ACTION        say what you do, e.g. /me waves",
          "/history [N]      replay the room's last N messages",
          "/quit [REASON]    say goodbye and disconnect",
          "/help             this list");

  private final ChatHub hub;

  /**
   * The event rendered last, with its bytes. A room hands one event to each of its members in turn,
   * so a broadcast to N members renders and encodes it once instead of N times. Racy by design:
   * rooms broadcasting at once on other threads replace it, which costs a render, never a wrong
   * line (the pair is immutable and matched by identity).
   */
  private volatile Rendered lastRendered;

  // The bytes are never changed once rendered; the event is compared by identity on purpose
  // (the same broadcast reaching the next member), which the record's equals is not used for.
  @SuppressWarnings("ArrayRecordComponent")
  private record Rendered(ChatEvent event, byte[] line) {}

  public LineFront(ChatHub hub) {
    this.hub = hub;
  }

  /** The event as UTF-8 lines with their terminator, shared read-only by its receivers. */
  @SuppressWarnings("ReferenceEquality") // the same event object, not an equal one: see Rendered
  private byte[] render(ChatEvent event) {
    Rendered last = lastRendered;
    if (last != null && last.event() == event) {
      return last.line();
    }
    byte[] line = (LineFormat.render(event) + CRLF).getBytes(StandardCharsets.UTF_8);
    lastRendered = new Rendered(event, line);
    return line;
  }

  /** How the hub reaches one line-protocol connection. */
  private final class LineMember implements Member {
    final Connection connection;
    Session session; // handler context only

    /** Why this side closed, for the others' notice; handler context only. */
    String closeReason;

    LineMember(Connection connection) {
      this.connection = connection;
    }

    @Override
    public void deliver(ChatEvent event) {
      // One buffer each (the queue moves its position), over the bytes all receivers share.
      connection.send(ByteBuffer.wrap(render(event)));
    }

    @Override
    public long backlog() {
      return connection.queuedBytes();
    }

    @Override
    public void disconnect(String reason) {
      connection.send(LineFormat.error(LineFormat.TOO_SLOW, reason) + CRLF);
      connection.close("too slow");
    }

    void send(String line) {
      connection.send(line + CRLF);
    }

    void reply(String text) {
      send(LineFormat.reply(text));
    }

    void error(String code, String text) {
      send(LineFormat.error(code, text));
    }
  }

  @Override
  public void opened(Connection connection) {
    LineMember member = new LineMember(connection);
    connection.attribute(MEMBER, member);
    member.send(LineFormat.welcome());
    member.session = hub.connect(member);
  }

  @Override
  public void received(Connection connection, String line) {
    LineMember member = connection.attribute(MEMBER);
    if (member == null || line.isBlank()) {
      return;
    }
    Session session = member.session;
    try {
      if (!session.admitLine()) {
        return;
      }
      if (line.startsWith("//")) {
        session.say(line.substring(1));
      } else if (line.startsWith("/")) {
        command(member, session, line);
      } else {
        session.say(line);
      }
    } catch (ChatException e) {
      member.error(e.code().token(), e.getMessage());
    }
  }

  private void command(LineMember member, Session session, String line) throws ChatException {
    int space = line.indexOf(' ');
    String verb =
        (space < 0 ? line.substring(1) : line.substring(1, space)).toLowerCase(Locale.ROOT);
    String rest = space < 0 ? "" : line.substring(space + 1).strip();
    switch (verb) {
      case LineFormat.NICK -> {
        if (rest.isEmpty()) {
          member.send(LineFormat.yourName(session.name()));
          return;
        }
        session.rename(rest);
        member.send(LineFormat.renamed(session.name()));
      }
      case LineFormat.JOIN -> {
        if (rest.isEmpty()) {
          member.error(LineFormat.USAGE, "/join ROOM");
        } else if (!session.join(rest)) {
          member.send(LineFormat.talkingIn(session.currentRoom()));
        }
      }
      case LineFormat.LEAVE, "part" -> {
        String left = session.leave(rest.isEmpty() ? null : rest);
        member.send(LineFormat.left(left, session.currentRoom()));
      }
      case LineFormat.ROOMS, "list" -> member.send(LineFormat.rooms(hub.rooms()));
      case LineFormat.WHO, "names" -> {
        String room = rest.isEmpty() ? session.currentRoom() : rest;
        if (room == null) {
          member.error(ChatException.Code.NO_ROOM.token(), "you are in no room; /who ROOM");
          return;
        }
        member.send(LineFormat.members(NameRules.cleanRoom(room), hub.who(room)));
      }
      case LineFormat.MSG, "tell" -> {
        int split = rest.indexOf(' ');
        if (split < 0 || rest.substring(split + 1).isBlank()) {
          member.error(LineFormat.USAGE, "/msg NAME TEXT");
          return;
        }
        session.whisper(rest.substring(0, split), rest.substring(split + 1));
      }
      case LineFormat.ME -> {
        if (rest.isEmpty()) {
          member.error(LineFormat.USAGE, "/me ACTION");
          return;
        }
        session.act(rest);
      }
      case LineFormat.HISTORY -> {
        int count = hub.settings().historySize();
        if (!rest.isEmpty()) {
          try {
            count = Math.min(count, Integer.parseInt(rest));
          } catch (NumberFormatException e) {
            member.error(LineFormat.USAGE, "/history [N]");
            return;
          }
        }
        session.history(count);
      }
      case LineFormat.QUIT, "exit" -> {
        session.quit(rest.isEmpty() ? null : rest);
        member.send(LineFormat.bye());
        member.connection.close("quit");
      }
      case LineFormat.HELP, "?" -> HELP.forEach(member::reply);
      default ->
          member.error(
              LineFormat.UNKNOWN_COMMAND, "/" + verb + " is not a command; /help lists them");
    }
  }

  @Override
  public void malformed(Connection connection, FrameException error) {
    boolean slow = error instanceof FrameTimeoutException;
    LineMember member = connection.attribute(MEMBER);
    if (member != null) {
      member.closeReason = slow ? "too slow to finish a line" : "sent a line that was too long";
    }
    String text =
        slow
            ? "line not complete within "
                + FrameTimeoutException.seconds(((FrameTimeoutException) error).timeout())
            : error.getMessage();
    connection.send(
        LineFormat.error(
                slow ? LineFormat.LINE_TIMEOUT : LineFormat.LINE_TOO_LONG, text + "; closing")
            + CRLF);
    connection.close(slow ? "line not complete in time" : "line too long");
  }

  @Override
  public void stopping(Connection connection) {
    LineMember member = connection.attribute(MEMBER);
    if (member != null) {
      member.closeReason = "server shutdown";
      member.send(LineFormat.shuttingDown());
    }
  }

  @Override
  public void closed(Connection connection, Throwable cause) {
    LineMember member = connection.attribute(MEMBER);
    if (member == null || member.session == null) {
      return;
    }
    String reason = member.closeReason;
    if (reason == null && cause != null) {
      reason =
          switch (cause) {
            case IdleTimeoutException idle -> "idle too long";
            case OutboundOverflowException overflow -> "too slow";
            default -> "connection lost";
          };
    }
    member.session.disconnected(reason);
  }
}
