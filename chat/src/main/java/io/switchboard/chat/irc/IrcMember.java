package io.switchboard.chat.irc;

import io.switchboard.chat.ChatEvent;
import io.switchboard.chat.ChatEvent.Departure;
import io.switchboard.chat.ChatEvent.Entered;
import io.switchboard.chat.ChatEvent.Joined;
import io.switchboard.chat.ChatEvent.Kicked;
import io.switchboard.chat.ChatEvent.Left;
import io.switchboard.chat.ChatEvent.Renamed;
import io.switchboard.chat.ChatEvent.Said;
import io.switchboard.chat.Member;
import io.switchboard.chat.NameRules;
import io.switchboard.chat.Origin;
import io.switchboard.chat.Session;
import io.switchboard.chat.irc.IrcFormat.Numeric;
import io.switchboard.engine.Connection;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;

/**
 * One IRC client: how the hub reaches it ({@link Member}), and its connection's state, from
 * registration (NICK, USER, CAP) to the session it gets once registered, its liveness (PING and
 * PONG) and the commands held back while an OPER's password is checked.
 *
 * <p>Thread contract, three ways in:
 *
 * <ul>
 *   <li>The connection's handler context and the OPER check's thread run commands under this
 *       object's monitor, one at a time (so replies keep the order of the commands).
 *   <li>The hub calls {@link #deliver} from any thread, under a room's lock: it never takes this
 *       monitor (a member may hold it while waiting for that room), reads only volatile fields, and
 *       only queues output.
 *   <li>The liveness timer calls {@link #checkLiveness} from its own thread: it reads volatile
 *       fields and only sends or closes through the thread-safe {@link Connection}.
 * </ul>
 */
final class IrcMember implements Member {
  /** Lines a client may send before it registers; a client that needs more is not registering. */
  static final int MAX_LINES_BEFORE_REGISTERING = 64;

  /** The longest USER name kept (ISUPPORT's USERLEN); longer ones are cut, as the spec says. */
  static final int USERLEN = 16;

  /** Per-person changes (quit, nick) remembered to send each once; see {@link #firstTime}. */
  private static final int REMEMBERED_CHANGES = 1024;

  final IrcFront front;
  final Connection connection;
  final String host;

  // ---- Handler context (and the OPER check's thread), under this monitor --------------------

  String user;
  String realName;
  boolean capNegotiating;
  boolean registered;
  int linesBeforeRegistering;
  boolean busy;
  final Deque<IrcInput> waiting = new ArrayDeque<>();

  // ---- Read by the hub's threads and the timer ------------------------------------------------

  /** The nick: chosen before registering, then the session's name. */
  volatile String nick;

  volatile Session session;
  volatile boolean multiPrefix;
  volatile long openedNanos = System.nanoTime();
  volatile long lastHeardNanos = openedNanos;

  /** When the outstanding PING was sent; 0 when none is. */
  volatile long pingSentNanos;

  /** Why this side closed, for the others' QUIT; set before the close. */
  volatile String closeReason;

  volatile ScheduledFuture<?> liveness;

  /**
   * Per-person changes already sent: a quit or a nick change comes from the hub once for every room
   * shared with that person, and IRC shows it once. Keyed by the person's name ({@link
   * NameRules#key}): the marker is its quit, or its new name's key; forgotten when the name shows
   * up again in another way. Guarded by itself.
   */
  private final Map<String, String> shownChanges =
      new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
          return size() > REMEMBERED_CHANGES;
        }
      };

  private static final String QUIT = "\u0000quit";

  IrcMember(IrcFront front, Connection connection) {
    this.front = front;
    this.connection = connection;
    this.host = host(connection);
  }

  /**
   * The peer's address as IRC shows it: an IPv6 address that would start with a colon gets a zero
   * in front ({@code ::1} is {@code 0::1}), or it would read as a trailing parameter.
   */
  private static String host(Connection connection) {
    String address =
        connection.remoteAddress() instanceof InetSocketAddress inet
            ? inet.getAddress().getHostAddress()
            : String.valueOf(connection.remoteAddress());
    int zone = address.indexOf('%');
    if (zone >= 0) {
      address = address.substring(0, zone);
    }
    return address.startsWith(":") ? "0" + address : address;
  }

  /** {@code user@host} once USER was given. */
  String address() {
    return (user == null ? "*" : user) + "@" + host;
  }

  /** What the hub is told of this client's origin. */
  Origin origin() {
    return new Origin(user, host, realName, "irc");
  }

  /** The nick as numerics address the client: {@code *} before it has one. */
  String target() {
    String current = nick;
    return current == null ? "*" : current;
  }

  // ---- Output ----------------------------------------------------------------------------------

  void send(String line) {
    connection.send(IrcFormat.wire(line));
  }

  void send(List<String> lines) {
    if (!lines.isEmpty()) {
      connection.send(IrcFormat.wire(lines));
    }
  }

  void reply(Numeric numeric, String... params) {
    send(front.format().numeric(numeric, target(), params));
  }

  /** Sends ERROR with {@code reason} and closes once it is written; the others hear the reason. */
  void closeWith(String reason, String logReason) {
    if (closeReason == null) {
      closeReason = reason;
    }
    send(front.format().error("Closing link: (" + address() + ") [" + reason + "]"));
    connection.close(logReason);
  }

  // ---- Member: the hub's side ------------------------------------------------------------------

  @Override
  public void deliver(ChatEvent event) {
    if (!firstTime(event)) {
      return;
    }
    byte[] lines = front.render(event, this);
    if (lines.length > 0) {
      // Bytes its receivers may share: each connection keeps only its place in them.
      connection.send(lines);
    }
  }

  /**
   * False for a second copy of a per-person change (a quit, a nick change) that reached this client
   * through another shared room; other events about a person make its name new again.
   */
  private boolean firstTime(ChatEvent event) {
    synchronized (shownChanges) {
      switch (event) {
        case Left left -> {
          if (left.how() != Departure.LEFT) {
            return !QUIT.equals(shownChanges.put(NameRules.key(left.name()), QUIT));
          }
        }
        case Renamed renamed -> {
          String old = NameRules.key(renamed.oldName());
          String now = NameRules.key(renamed.newName());
          if (now.equals(shownChanges.get(old))) {
            return false;
          }
          shownChanges.put(old, now);
          shownChanges.remove(now);
          return true;
        }
        case Joined joined -> shownChanges.remove(NameRules.key(joined.name()));
        case Said said -> {
          if (!shownChanges.isEmpty()) {
            shownChanges.remove(NameRules.key(said.from()));
          }
        }
        case Kicked kicked -> shownChanges.remove(NameRules.key(kicked.name()));
        case Entered entered -> {
          if (!shownChanges.isEmpty()) {
            entered.occupants().forEach(o -> shownChanges.remove(NameRules.key(o.name())));
          }
        }
        default -> {}
      }
      return true;
    }
  }

  @Override
  public long backlog() {
    return connection.queuedBytes();
  }

  /**
   * The hub drops this client (it does not read what it is sent): its place is given back at once,
   * and ERROR with the reason follows what is already queued, if it ever reads it.
   */
  @Override
  public void disconnect(String reason) {
    closeReason = "Too slow";
    connection.drop(
        ByteBuffer.wrap(
            IrcFormat.wire(
                front.format().error("Closing link: (" + address() + ") [" + reason + "]"))),
        "too slow");
  }

  // ---- Liveness: the timer's side --------------------------------------------------------------

  /**
   * Run by the front's timer: closes a client that never registered, or that did not answer a PING
   * in time, and pings a registered client that has been silent. Only sends and closes.
   */
  void checkLiveness() {
    if (!connection.isOpen()) {
      return;
    }
    IrcSettings settings = front.settings();
    long now = System.nanoTime();
    if (session == null) {
      if (now - openedNanos > settings.registrationTimeout().toNanos()) {
        closeWith("Registration timed out", "registration timed out");
      }
      return;
    }
    long sent = pingSentNanos;
    if (sent != 0) {
      if (now - sent > settings.pingTimeout().toNanos()) {
        long silent = (now - lastHeardNanos) / 1_000_000_000L;
        closeWith("Ping timeout: " + silent + " seconds", "ping timeout");
      }
    } else if (now - lastHeardNanos > settings.pingInterval().toNanos()) {
      pingSentNanos = now;
      send(front.format().compose(null, "PING", List.of(front.format().server())));
    }
  }

  /** Something came from the client: it is alive, whatever it sent. */
  void heard() {
    lastHeardNanos = System.nanoTime();
    pingSentNanos = 0;
  }

  @Override
  public String toString() {
    return "irc client " + target() + " (" + connection.remoteAddress() + ")";
  }
}
