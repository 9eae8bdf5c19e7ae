package io.switchboard.chat.line;

import io.switchboard.chat.ChatEvent;
import io.switchboard.chat.ChatException;
import io.switchboard.chat.ChatHub;
import io.switchboard.chat.Member;
import io.switchboard.chat.Occupant;
import io.switchboard.chat.Origin;
import io.switchboard.chat.RoomView;
import io.switchboard.chat.Session;
import io.switchboard.engine.AttributeKey;
import io.switchboard.engine.Connection;
import io.switchboard.engine.FrameException;
import io.switchboard.engine.FrameTimeoutException;
import io.switchboard.engine.Handler;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

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
    byte[] line = LineFormat.wire(LineFormat.render(event));
    lastRendered = new Rendered(event, line);
    return line;
  }

  /** How the hub reaches one line-protocol connection. */
  private final class LineMember implements Member {
    final Connection connection;
    Session session; // handler context only

    /** Why this side closed, for the others' notice (set by the hub's thread on a drop). */
    volatile String closeReason;

    LineMember(Connection connection) {
      this.connection = connection;
    }

    @Override
    public void deliver(ChatEvent event) {
      // The bytes all receivers share: each connection keeps only its place in them.
      connection.send(render(event));
    }

    @Override
    public long backlog() {
      return connection.queuedBytes();
    }

    /**
     * Drops the connection: its place is free at once, and the reason goes after what is queued;
     * the engine closes once the peer has read it, or aborts at {@code Limits.dropTimeout}.
     */
    @Override
    public void disconnect(String reason) {
      closeReason = "too slow";
      connection.drop(
          ByteBuffer.wrap(LineFormat.wire(LineFormat.error(LineFormat.TOO_SLOW, reason))),
          "too slow");
    }

    void send(String line) {
      connection.send(LineFormat.wire(line));
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
    member.session = hub.connect(member, origin(connection));
  }

  /**
   * Where a line client comes from: its address, and "line" as its user, so people on other fronts
   * (IRC's {@code nick!user@host}) see how it is connected.
   */
  static Origin origin(Connection connection) {
    String host =
        connection.remoteAddress() instanceof InetSocketAddress address
            ? address.getAddress().getHostAddress()
            : String.valueOf(connection.remoteAddress());
    return new Origin("line", host, "line client", "line");
  }

  @Override
  public void received(Connection connection, String line) {
    LineMember member = connection.attribute(MEMBER);
    LineRequest request = LineRequest.parse(line);
    if (member == null || request instanceof LineRequest.Blank) {
      return;
    }
    Session session = member.session;
    try {
      if (session.admitLine()) {
        handle(member, session, request);
      }
    } catch (ChatException e) {
      member.error(e.code().token(), e.getMessage());
    }
  }

  /** Does what one parsed line asks; the hub's refusals come back as a ChatException. */
  private void handle(LineMember member, Session session, LineRequest request)
      throws ChatException {
    switch (request) {
      case LineRequest.Blank blank -> {}
      case LineRequest.Say say -> session.say(say.text());
      case LineRequest.Nick nick -> {
        if (nick.name() != null) {
          session.rename(nick.name());
          member.send(LineFormat.renamed(session.name()));
        } else {
          member.send(LineFormat.yourName(session.name()));
        }
      }
      case LineRequest.Join join -> {
        if (!session.join(join.room(), join.key())) {
          member.send(LineFormat.talkingIn(session.currentRoom()));
        }
      }
      case LineRequest.Leave leave -> {
        String left = session.leave(leave.room());
        member.send(LineFormat.left(left, session.currentRoom()));
      }
      case LineRequest.Rooms rooms -> member.send(LineFormat.rooms(hub.rooms()));
      case LineRequest.Who who -> {
        String room = who.room() != null ? who.room() : session.currentRoom();
        if (room == null) {
          member.error(ChatException.Code.NO_ROOM.token(), "you are in no room; /who ROOM");
          return;
        }
        RoomView view = session.view(room);
        member.send(
            LineFormat.members(
                view.name(), view.occupants().stream().map(Occupant::name).toList()));
      }
      case LineRequest.Whisper whisper -> session.whisper(whisper.to(), whisper.text());
      case LineRequest.Act act -> session.act(act.text());
      case LineRequest.History history -> {
        int kept = hub.settings().historySize();
        session.history(history.count() == null ? kept : Math.min(kept, history.count()));
      }
      case LineRequest.Quit quit -> {
        session.quit(quit.reason());
        member.send(LineFormat.bye());
        member.connection.close("quit");
      }
      case LineRequest.Help help -> LineFormat.HELP_LINES.forEach(member::reply);
      case LineRequest.Invalid invalid -> member.error(invalid.code(), invalid.text());
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
        LineFormat.wire(
            LineFormat.error(
                slow ? LineFormat.LINE_TIMEOUT : LineFormat.LINE_TOO_LONG, text + "; closing")));
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
    member.session.disconnected(Session.endReason(member.closeReason, cause));
  }
}
