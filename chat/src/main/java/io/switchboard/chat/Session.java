package io.switchboard.chat;

import io.switchboard.chat.ChatEvent.Departure;
import io.switchboard.chat.ChatEvent.Said;
import io.switchboard.chat.ChatEvent.Whispered;
import io.switchboard.chat.ChatException.Code;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One member's presence in the hub: its name, its rooms (the one joined last is where it talks) and
 * its flood allowance. A front gets one from {@link ChatHub#connect} and turns its protocol's
 * commands into calls on it.
 *
 * <p>Thread contract: a front calls these methods from its connection's handler context, one at a
 * time; the hub may at the same time remove the session from another thread (a slow consumer), so
 * membership changes are guarded by the session's monitor, which is always taken before a room's.
 * Every public method ends by dropping the slow consumers its broadcasts found, after all locks are
 * released.
 */
public final class Session {
  private final ChatHub hub;
  private final Member member;
  private final LineRate rate;
  private final AtomicBoolean dropping = new AtomicBoolean();
  private volatile String name;

  /** Rooms in join order; the last is the current one. Guarded by this. */
  private final List<Room> rooms = new ArrayList<>();

  private volatile Room current;
  private boolean gone; // guarded by this
  private boolean flooding; // handler context only

  Session(ChatHub hub, Member member, String name) {
    this.hub = hub;
    this.member = member;
    this.name = name;
    this.rate =
        new LineRate(
            hub.settings().linesPerSecond(), hub.settings().burstLines(), System.nanoTime());
  }

  public String name() {
    return name;
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
    run(() -> speak(text, false));
  }

  /** {@code /me}: an action in the current room. */
  public void act(String text) throws ChatException {
    run(() -> speak(text, true));
  }

  /** A private message to the member called {@code to}; this member gets it as confirmation. */
  public void whisper(String to, String text) throws ChatException {
    run(() -> whisperNow(to, text));
  }

  /**
   * Joins {@code room} (creating it) and makes it the current room. Returns false if this member
   * was in it already (it only becomes current again).
   */
  public boolean join(String room) throws ChatException {
    return call(() -> joinNow(room));
  }

  /**
   * Leaves {@code room} ({@code null}: the current one); the room joined last before becomes
   * current. Returns the name of the room left.
   */
  public String leave(String room) throws ChatException {
    return call(() -> leaveNow(room));
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
          room.replay(this, Math.max(0, count));
        });
  }

  /** {@code /quit}: leaves every room saying goodbye. Idempotent. */
  public void quit(String reason) {
    end(Departure.QUIT, reason);
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

  // ---- The operations, under this session's lock where membership changes ------------------

  private void speak(String text, boolean action) throws ChatException {
    String clean = NameRules.cleanText(text).strip();
    if (clean.isEmpty()) {
      return;
    }
    Room room = current;
    if (room == null || !room.say(this, new Said(room.name(), name, clean, action, hub.now()))) {
      throw new ChatException(Code.NO_ROOM, "you are in no room; /join ROOM first");
    }
  }

  private void whisperNow(String to, String text) throws ChatException {
    Session target = hub.sessionNamed(NameRules.cleanName(to));
    if (target == null) {
      throw new ChatException(Code.NO_SUCH_NAME, "nobody is called " + to);
    }
    Whispered message =
        new Whispered(name, target.name(), NameRules.cleanText(text).strip(), hub.now());
    target.deliver(message);
    if (target != this) {
      deliver(message);
    }
  }

  private boolean joinNow(String room) throws ChatException {
    String clean = NameRules.requireValidRoom(NameRules.cleanRoom(room));
    synchronized (this) {
      if (gone) {
        return false;
      }
      for (Room joined : rooms) {
        if (NameRules.key(joined.name()).equals(NameRules.key(clean))) {
          rooms.remove(joined);
          rooms.add(joined);
          current = joined;
          return false;
        }
      }
      Room target;
      do {
        target = hub.roomFor(clean);
      } while (!target.add(this));
      rooms.add(target);
      current = target;
      return true;
    }
  }

  private synchronized String leaveNow(String room) throws ChatException {
    Room target = room == null ? current : joined(NameRules.cleanRoom(room));
    if (target == null) {
      throw room == null
          ? new ChatException(Code.NO_ROOM, "you are in no room")
          : new ChatException(Code.NOT_IN_ROOM, "you are not in #" + room);
    }
    target.remove(this, Departure.LEFT, null);
    rooms.remove(target);
    current = rooms.isEmpty() ? null : rooms.getLast();
    return target.name();
  }

  private void renameNow(String newName) throws ChatException {
    String clean = NameRules.requireValidName(NameRules.cleanName(newName));
    synchronized (this) {
      if (gone || clean.equals(name)) {
        return;
      }
      String old = name;
      hub.claimName(this, old, clean);
      name = clean;
      for (Room room : rooms) {
        room.renamed(this, old, clean);
      }
    }
  }

  private synchronized void endNow(Departure how, String reason) {
    if (gone) {
      return;
    }
    gone = true;
    for (Room room : rooms) {
      room.remove(this, how, reason);
    }
    rooms.clear();
    current = null;
    hub.releaseName(this, name);
  }

  private Room joined(String room) {
    String key = NameRules.key(room);
    for (Room joined : rooms) {
      if (NameRules.key(joined.name()).equals(key)) {
        return joined;
      }
    }
    return null;
  }

  /**
   * Hands an event to the member unless it is being dropped; marks it for dropping once its backlog
   * passes the cap. Called under room locks: only queues.
   */
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
