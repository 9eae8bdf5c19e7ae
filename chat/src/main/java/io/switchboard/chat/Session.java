package io.switchboard.chat;

import io.switchboard.chat.ChatEvent.Departure;
import io.switchboard.chat.ChatEvent.Failed;
import io.switchboard.chat.ChatEvent.Said;
import io.switchboard.chat.ChatEvent.Style;
import io.switchboard.chat.ChatEvent.Whispered;
import io.switchboard.chat.ChatException.Code;
import io.switchboard.engine.IdleTimeoutException;
import io.switchboard.engine.OutboundOverflowException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One member's presence in the hub: its name and origin, its rooms (the one joined last is where it
 * talks), its flood allowance, and what it says about itself (away, hidden, a hub operator). A
 * front gets one from {@link ChatHub#connect} and turns its protocol's commands into calls on it.
 *
 * <p>Thread contract: a front calls these methods from its connection's handler context, one at a
 * time; the hub may at the same time end the session from another thread (a slow consumer), and a
 * room may put it out (a kick, applied on the thread of whoever kicked, or of the bus). Which rooms
 * it is in is the rooms' to say: they tell the session when it enters or leaves one ({@link
 * #entered}, {@link #exited}), under the session's list of rooms, a leaf lock. The session's
 * monitor guards only its name and its end, and is never held while the session waits for a shared
 * bus. The flags (away, hidden, operator) are volatile: rooms read them under their own locks.
 * Every public method ends by dropping the slow consumers its broadcasts found, after all locks are
 * released.
 */
public final class Session extends Participant {
  /** The longest away message, in characters; a longer one is cut. */
  public static final int MAX_AWAY = 300;

  private final ChatHub hub;
  private final Member member;
  private final Origin origin;
  private final Instant signedOn;
  private final LineRate rate;
  private final AtomicBoolean dropping = new AtomicBoolean();
  private volatile String name;
  private volatile Instant lastActive;
  private volatile String away;
  private volatile boolean operator;
  private volatile boolean invisible;

  /** Rooms in join order; the last is the current one. Guarded by itself (a leaf lock). */
  private final List<Room> rooms = new ArrayList<>();

  private volatile Room current;
  private volatile boolean gone; // set under this
  private boolean flooding; // handler context only

  Session(ChatHub hub, Member member, String name, Origin origin) {
    this.hub = hub;
    this.member = member;
    this.name = name;
    this.origin = origin;
    this.signedOn = hub.now();
    this.lastActive = signedOn;
    this.rate =
        new LineRate(
            hub.settings().linesPerSecond(), hub.settings().burstLines(), System.nanoTime());
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Origin origin() {
    return origin;
  }

  /** {@code user@host} (see {@link Origin#address()}). */
  @Override
  public String address() {
    return origin.address();
  }

  /** The away message, or {@code null} while here. */
  public String away() {
    return away;
  }

  /** True for a hub operator: it may act as an operator of every room. */
  @Override
  public boolean isOperator() {
    return operator;
  }

  /** True if hidden from those who share no room with it (IRC's user mode {@code +i}). */
  @Override
  public boolean isInvisible() {
    return invisible;
  }

  /** The room messages go to (joined last), or {@code null} if in none. */
  public String currentRoom() {
    Room room = current;
    return room == null ? null : room.name();
  }

  /**
   * Counts one incoming line against the flood limit. Returns true if the line may be handled;
   * false if it must be dropped quietly; throws (once per burst of dropped lines) to have the front
   * tell the user.
   */
  public boolean admitLine() throws ChatException {
    if (rate.tryTake(System.nanoTime())) {
      flooding = false;
      return true;
    }
    if (flooding) {
      return false;
    }
    flooding = true;
    hub.flooded();
    throw new ChatException(
        Code.FLOOD, "too many lines: " + rateText() + "; lines are dropped until you slow down");
  }

  private String rateText() {
    ChatSettings settings = hub.settings();
    return (long) settings.linesPerSecond()
        + " per second (bursts of "
        + settings.burstLines()
        + ") allowed";
  }

  /** Says {@code text} in the current room, to everyone there but this member. */
  public void say(String text) throws ChatException {
    run(() -> speak(current, text, Style.PLAIN));
  }

  /** {@code /me}: an action in the current room. */
  public void act(String text) throws ChatException {
    run(() -> speak(current, text, Style.ACTION));
  }

  /**
   * Says {@code text} in the room called {@code room}, in {@code style}. A member may speak in any
   * room it is in, and from outside to a room that takes messages from outsiders.
   */
  public void sayIn(String room, String text, Style style) throws ChatException {
    run(() -> speak(hub.existingRoom(room), text, style));
  }

  /** A private message to the member called {@code to}; this member gets it as confirmation. */
  public void whisper(String to, String text) throws ChatException {
    whisper(to, text, Style.PLAIN);
  }

  /**
   * A private message in {@code style} to the member called {@code to}; this member gets it as
   * confirmation. Returns the target's away message, or {@code null} if it is here.
   */
  public String whisper(String to, String text, Style style) throws ChatException {
    return call(() -> whisperNow(to, text, style));
  }

  /**
   * Joins {@code room} (creating it) and makes it the current room. Returns false if this member
   * was in it already (it only becomes current again).
   */
  public boolean join(String room) throws ChatException {
    return join(room, null);
  }

  /** {@link #join(String)} giving {@code key} ({@code null}: none) for a room that has one. */
  public boolean join(String room, String key) throws ChatException {
    return call(() -> joinNow(room, key));
  }

  /**
   * Leaves {@code room} ({@code null}: the current one); the room joined last before becomes
   * current. Returns the name of the room left.
   */
  public String leave(String room) throws ChatException {
    return leave(room, null);
  }

  /** {@link #leave(String)} saying why ({@code null}: no reason), for the others to hear. */
  public String leave(String room, String reason) throws ChatException {
    return call(() -> leaveNow(room, reason));
  }

  /** The rooms this member is in, in join order. */
  public List<String> rooms() {
    return joinedRooms().stream().map(Room::name).toList();
  }

  /** Changes this member's name; everyone in its rooms is told. */
  public void rename(String newName) throws ChatException {
    run(() -> renameNow(newName));
  }

  /** Delivers the last {@code count} messages of the current room to this member. */
  public void history(int count) throws ChatException {
    run(
        () -> {
          Room room = current;
          if (room == null) {
            throw new ChatException(Code.NO_ROOM, "you are in no room; /join ROOM first");
          }
          hub.requireBus();
          room.replay(this, Math.max(0, count));
        });
  }

  /** Delivers the last {@code count} messages of {@code room}, which this member must be in. */
  public void history(String room, int count) throws ChatException {
    run(
        () -> {
          Room joined = joined(room, true);
          hub.requireBus();
          joined.replay(this, Math.max(0, count));
        });
  }

  // ---- What room operators do ----------------------------------------------------------------

  /**
   * Puts the member called {@code name} out of {@code room}; this member must be an operator of the
   * room (or of the hub). Everyone in the room hears it, the one put out too.
   */
  public void kick(String room, String name, String reason) throws ChatException {
    run(
        () -> {
          Room target = hub.existingRoom(room);
          String kicked = hub.spellingOf(NameRules.cleanName(name));
          String clean = reason == null ? null : NameRules.cleanText(reason).strip();
          hub.await(
              target.kick(this, kicked, clean == null || clean.isEmpty() ? this.name : clean));
        });
  }

  /** Invites the member called {@code name} to {@code room}, which this member must be in. */
  public void invite(String name, String room) throws ChatException {
    run(
        () -> {
          Room target = hub.existingRoom(room);
          String invited = hub.spellingOf(NameRules.cleanName(name));
          hub.await(target.invite(this, invited));
        });
  }

  /** Sets the topic of {@code room} ({@code text} empty: clears it). */
  public void setTopic(String room, String text) throws ChatException {
    String clean = NameRules.cleanText(text).strip();
    run(() -> hub.await(hub.existingRoom(room).setTopic(this, clean, hub.now())));
  }

  /** Changes {@code room}'s settings and roles, as far as they are valid (see {@link Room}). */
  public RoomChanges changeRoom(String room, List<RoomChange> changes) throws ChatException {
    return call(
        () -> {
          Room.Decided decided = hub.existingRoom(room).change(this, changes, hub.now());
          hub.await(decided.pending());
          return decided.changes();
        });
  }

  // ---- What a member says about itself -------------------------------------------------------

  /** Marks this member away with {@code message}, or here again if it is null or blank. */
  public void setAway(String message) {
    String clean = message == null ? "" : NameRules.cleanText(message).strip();
    if (clean.codePointCount(0, clean.length()) > MAX_AWAY) {
      clean = clean.substring(0, clean.offsetByCodePoints(0, MAX_AWAY));
    }
    away = clean.isEmpty() ? null : clean;
    hub.described(this);
  }

  /** Hides this member from those who share no room with it, or shows it again. */
  public void setInvisible(boolean hidden) {
    invisible = hidden;
    if (hub.bus().shared()) {
      for (Room room : joinedRooms()) {
        room.hide(this, hidden); // other nodes list it or not; this node reads the flag
      }
      hub.described(this);
    }
  }

  /**
   * Makes this member a hub operator: the front has checked its credentials (the hub keeps none).
   */
  public void becomeOperator() {
    operator = true;
    hub.described(this);
  }

  /** Gives up being a hub operator. */
  public void stepDown() {
    operator = false;
    hub.described(this);
  }

  // ---- What a member may look up -------------------------------------------------------------

  /** {@code room} as this member may see it; a secret room is unknown to those outside it. */
  public RoomView view(String room) throws ChatException {
    Room found = hub.existingRoom(room);
    if (!found.visibleTo(this)) {
      throw noSuchRoom(room);
    }
    return found.view(this);
  }

  /** Every room this member may see, by name. */
  public List<RoomView> listRooms() throws ChatException {
    return hub.roomList().stream().filter(r -> r.visibleTo(this)).map(r -> r.view(this)).toList();
  }

  /**
   * What this member may see of the member called {@code name}: its rooms that are not secret or
   * that this member shares, none of them if it is hidden and shares none.
   */
  public Profile whois(String name) throws ChatException {
    Session target = hub.sessionNamed(NameRules.cleanName(name));
    if (target == null) {
      return hub.remoteProfile(this, NameRules.cleanName(name));
    }
    List<Room> theirs = target.joinedRooms();
    List<Profile.RoomRole> shown = new ArrayList<>();
    boolean sharesOne = target == this || theirs.stream().anyMatch(room -> room.contains(this));
    for (Room room : theirs) {
      Profile.RoomRole role = room.roleOf(target);
      boolean visible =
          target == this
              || operator
              || room.contains(this)
              || (!room.isSecret() && (sharesOne || !target.invisible));
      if (role != null && visible) {
        shown.add(role);
      }
    }
    return new Profile(
        target.name,
        target.origin,
        target.away,
        target.operator,
        target.invisible,
        target.signedOn,
        target.lastActive,
        shown);
  }

  /** {@code /quit}: leaves every room saying goodbye. Idempotent. */
  public void quit(String reason) {
    end(Departure.QUIT, reason);
  }

  /**
   * What the rooms hear when a connection ends without {@code /quit}: the front's own reason if it
   * closed it ({@code closeReason}, null if not), else the engine's {@code cause} in words, or null
   * when the peer simply closed (no cause). The fronts whose members share the line protocol's
   * words (the line front, the browser) say it the same way.
   */
  public static String endReason(String closeReason, Throwable cause) {
    if (closeReason != null) {
      return closeReason;
    }
    if (cause == null) {
      return null;
    }
    return switch (cause) {
      case IdleTimeoutException idle -> "idle too long";
      case OutboundOverflowException overflow -> "too slow";
      default -> "connection lost";
    };
  }

  /** The connection ended without {@code /quit}: leaves every room. Idempotent. */
  public void disconnected(String reason) {
    end(Departure.DISCONNECTED, reason);
  }

  void end(Departure how, String reason) {
    run(() -> endNow(how, reason));
  }

  // ---- The rule every public method keeps: broadcast under locks, drop the slow after -------

  /** A hub operation with a result; it may refuse (a {@link ChatException}) or not. */
  @FunctionalInterface
  private interface Call<T, E extends Exception> {
    T call() throws E;
  }

  /** The same without a result. */
  @FunctionalInterface
  private interface Action<E extends Exception> {
    void run() throws E;
  }

  /**
   * Runs {@code call}, then drops the slow members its broadcasts found: they were only marked
   * while room locks were held, and are dropped here, once this thread holds none.
   */
  private <T, E extends Exception> T call(Call<T, E> call) throws E {
    try {
      return call.call();
    } finally {
      hub.dropSlowMembers();
    }
  }

  private <E extends Exception> void run(Action<E> action) throws E {
    call(
        () -> {
          action.run();
          return null;
        });
  }

  // ---- The operations ------------------------------------------------------------------------

  /**
   * A message for a room. With a shared bus it is not waited for (a room's messages are its busiest
   * traffic): a bus that is known to be down refuses it at once, and one that fails on the way
   * tells this member with {@link Failed}.
   */
  private void speak(Room room, String text, Style style) throws ChatException {
    String clean = NameRules.cleanText(text).strip();
    if (clean.isEmpty()) {
      return;
    }
    Instant now = hub.now();
    CompletableFuture<Void> pending =
        room == null
            ? Room.NOT_TAKEN
            : room.say(this, new Said(room.name(), name, address(), clean, style, now));
    if (pending == Room.NOT_TAKEN) {
      throw room == null || room == current
          ? new ChatException(Code.NO_ROOM, "you are in no room; /join ROOM first")
          : new ChatException(
              Code.CANNOT_SEND, "#" + room.name() + " takes messages from its members only");
    }
    if (pending != null) {
      if (pending.isCompletedExceptionally()) {
        hub.await(pending); // refused at once: throws why
      }
      String where = room.name();
      pending.whenComplete(
          (done, error) -> {
            if (error != null) {
              deliver(new Failed(where, ChatHub.busError(error)));
              hub.dropSlowMembers();
            }
          });
    }
    lastActive = now;
  }

  private String whisperNow(String to, String text, Style style) throws ChatException {
    String cleanTo = NameRules.cleanName(to);
    Session target = hub.sessionNamed(cleanTo);
    Instant now = hub.now();
    String clean = NameRules.cleanText(text).strip();
    if (target == null) {
      // a member of another node, if the bus knows one (a hub alone refuses here)
      Profile remote =
          hub.bus().whisper(new Whispered(name, address(), cleanTo, clean, style, now));
      deliver(new Whispered(name, address(), remote.name(), clean, style, now));
      lastActive = now;
      return remote.away();
    }
    Whispered message = new Whispered(name, address(), target.name(), clean, style, now);
    target.deliver(message);
    if (target != this) {
      deliver(message);
    }
    lastActive = now;
    return target.away;
  }

  private boolean joinNow(String room, String key) throws ChatException {
    String clean = NameRules.requireValidRoom(NameRules.cleanRoom(room));
    if (gone) {
      return false;
    }
    Room already = joined(clean, false);
    if (already != null) {
      synchronized (rooms) {
        rooms.remove(already);
        rooms.add(already);
        current = already;
      }
      return false;
    }
    int most = hub.settings().maxRoomsPerMember();
    if (joinedRooms().size() >= most) {
      throw new ChatException(
          Code.TOO_MANY_JOINED,
          "you are in " + most + " rooms, the most one member may be in; /leave one first");
    }
    Room target = hub.enter(this, clean, key); // applied: this session is in it (see entered)
    if (gone) { // ended while joining (dropped): leave what it just entered
      target.remove(this, Departure.DISCONNECTED, null);
      return false;
    }
    return true;
  }

  private String leaveNow(String room, String reason) throws ChatException {
    Room target = room == null ? current : joined(room, false);
    if (target == null) {
      throw room == null
          ? new ChatException(Code.NO_ROOM, "you are in no room")
          : new ChatException(Code.NOT_IN_ROOM, "you are not in #" + NameRules.cleanRoom(room));
    }
    String clean = reason == null ? null : NameRules.cleanText(reason).strip();
    hub.await(target.remove(this, Departure.LEFT, clean == null || clean.isEmpty() ? null : clean));
    exited(target); // also if it was put out meanwhile
    return target.name();
  }

  private void renameNow(String newName) throws ChatException {
    String clean = NameRules.requireValidName(NameRules.cleanName(newName));
    String old;
    synchronized (this) {
      if (gone || clean.equals(name)) {
        return;
      }
      old = name;
      hub.claimName(this, old, clean);
      name = clean;
    }
    for (Room room : joinedRooms()) {
      // Not waited for: the name is this member's already. Should a shared bus fail on the way,
      // the node puts its members back under their names once it is reachable again.
      room.renamed(this, old, clean);
    }
    hub.described(this);
  }

  private void endNow(Departure how, String reason) {
    List<Room> mine;
    synchronized (this) {
      if (gone) {
        return;
      }
      gone = true;
      mine = joinedRooms();
      hub.releaseName(this, name);
    }
    String clean = reason == null ? null : NameRules.cleanText(reason).strip();
    for (Room room : mine) {
      room.remove(this, how, clean); // not waited for: the connection is gone either way
    }
    synchronized (rooms) {
      rooms.clear();
      current = null;
    }
  }

  /**
   * The room called {@code room} that this member is in; {@code null} if none, or a refusal if
   * {@code required}.
   */
  private Room joined(String room, boolean required) throws ChatException {
    String key = NameRules.key(NameRules.cleanRoom(room));
    for (Room joined : joinedRooms()) {
      if (NameRules.key(joined.name()).equals(key)) {
        return joined;
      }
    }
    if (required) {
      throw new ChatException(Code.NOT_IN_ROOM, "you are not in #" + NameRules.cleanRoom(room));
    }
    return null;
  }

  private List<Room> joinedRooms() {
    synchronized (rooms) {
      return List.copyOf(rooms);
    }
  }

  private static ChatException noSuchRoom(String room) {
    return new ChatException(Code.NO_SUCH_ROOM, "there is no room #" + NameRules.cleanRoom(room));
  }

  // ---- What rooms and the hub tell a session -------------------------------------------------

  /** A room let this session in: it becomes the current one. Called under the room's lock. */
  void entered(Room room) {
    synchronized (rooms) {
      if (!rooms.contains(room)) {
        rooms.add(room);
        current = room;
      }
    }
  }

  /** This session is out of {@code room}: the one joined last before becomes current. */
  void exited(Room room) {
    synchronized (rooms) {
      if (rooms.remove(room)) {
        current = rooms.isEmpty() ? null : rooms.getLast();
      }
    }
  }

  boolean isGone() {
    return gone;
  }

  /**
   * What this member shows of itself across nodes: its rooms (those not secret), with its roles.
   */
  Profile profile() {
    List<Profile.RoomRole> roles = new ArrayList<>();
    for (Room room : joinedRooms()) {
      Profile.RoomRole role = room.roleOf(this);
      if (role != null && !room.isSecret()) {
        roles.add(role);
      }
    }
    return new Profile(name, origin, away, operator, invisible, signedOn, lastActive, roles);
  }

  /**
   * Hands an event to the member unless it is being dropped; marks it for dropping once its backlog
   * passes the cap. Called under room locks: only queues.
   */
  @Override
  void deliver(ChatEvent event) {
    if (dropping.get()) {
      return;
    }
    member.deliver(event);
    if (member.backlog() > hub.settings().slowConsumerBytes()
        && dropping.compareAndSet(false, true)) {
      hub.markSlow(this);
    }
  }

  Member member() {
    return member;
  }

  @Override
  public String toString() {
    return "session " + name;
  }
}
