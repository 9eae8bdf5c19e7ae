package io.switchboard.chat;

import io.switchboard.chat.ChatEvent.Departure;
import io.switchboard.chat.ChatException.Code;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The chat hub: rooms (with their roles, rules and topics), names, messages and history, knowing no
 * IO model and no wire format. Fronts (the line protocol and IRC now; WebSocket or a bus between
 * hubs later) put their users in through {@link #connect(Member)} or {@link #connectAs} and share
 * the same rooms; see {@link Member} for how a front plugs in.
 *
 * <p>Thread contract: every method may be called from any thread at once (one thread per connection
 * on blocking models, several event loops on the reactor). Names and rooms live in concurrent maps;
 * creating and forgetting a room take one hub lock (so the room cap holds exactly), finding one
 * takes none; each {@link Room} orders its own events under its monitor; a slow consumer found
 * during a broadcast is queued here and dropped by the same call once it holds no lock.
 */
public final class ChatHub {
  private final ChatSettings settings;
  private final Clock clock;
  private final Map<String, Session> names = new ConcurrentHashMap<>();
  private final Map<String, Room> rooms = new ConcurrentHashMap<>();

  /** Held while a room is created or forgotten: see {@link #enter}. */
  private final Object roomsChanging = new Object();

  private final Queue<Session> slow = new ConcurrentLinkedQueue<>();
  private final AtomicLong guests = new AtomicLong();
  private final LongAdder slowDrops = new LongAdder();
  private final LongAdder floodNotices = new LongAdder();

  public ChatHub(ChatSettings settings) {
    this(settings, Clock.systemUTC());
  }

  public ChatHub(ChatSettings settings, Clock clock) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  public ChatSettings settings() {
    return settings;
  }

  /**
   * A new member arrives: it gets a free generated name ({@code guest-N}, changed with {@link
   * Session#rename}) and is put in the default room, so a client that just sends lines is heard at
   * once. The member receives {@link ChatEvent.Connected} and then {@link ChatEvent.Entered} for
   * the default room before this returns.
   */
  public Session connect(Member member) {
    return connect(member, Origin.UNKNOWN);
  }

  /** {@link #connect(Member)} for a member whose front knows where it comes from. */
  public Session connect(Member member, Origin origin) {
    Session session;
    while (true) {
      String guest = "guest-" + guests.incrementAndGet();
      session = new Session(this, member, guest, origin);
      if (names.putIfAbsent(NameRules.key(guest), session) == null) {
        break;
      }
    }
    session.deliver(new ChatEvent.Connected(session.name()));
    try {
      session.join(settings.defaultRoom());
    } catch (ChatException e) {
      // Only TOO_MANY_ROOMS can get here (the default room was forgotten and the hub is full of
      // rooms with members): the member stays in no room and is told on speaking.
    }
    return session;
  }

  /**
   * A member arrives with a name of its own and joins rooms itself (an IRC client registers with
   * its nick and is in no channel): it receives {@link ChatEvent.Connected} and nothing else.
   *
   * @throws ChatException {@link Code#INVALID_NAME} or {@link Code#NAME_TAKEN}; nothing changed
   */
  public Session connectAs(Member member, String name, Origin origin) throws ChatException {
    String clean = NameRules.requireValidName(NameRules.cleanName(name));
    Session session = new Session(this, member, clean, origin);
    if (names.putIfAbsent(NameRules.key(clean), session) != null) {
      throw new ChatException(Code.NAME_TAKEN, "the name " + clean + " is taken; try another");
    }
    session.deliver(new ChatEvent.Connected(clean));
    return session;
  }

  /** True if a member is called {@code name} now (ignoring case). */
  public boolean isNameTaken(String name) {
    return names.containsKey(NameRules.key(NameRules.cleanName(name)));
  }

  /** A room's members, by name in join order. */
  public List<String> who(String room) throws ChatException {
    Room found = rooms.get(NameRules.key(NameRules.cleanRoom(room)));
    if (found == null) {
      throw new ChatException(Code.NO_SUCH_ROOM, "there is no room #" + room);
    }
    return found.memberNames();
  }

  /** A room's name and how many are in it. */
  public record RoomCount(String room, int members) {}

  /** Every room the hub keeps and lists (secret ones are not), by name. */
  public List<RoomCount> rooms() {
    return rooms.values().stream()
        .filter(room -> !room.isSecret())
        .map(room -> new RoomCount(room.name(), room.size()))
        .sorted(Comparator.comparing(count -> NameRules.key(count.room())))
        .toList();
  }

  // ---- For metrics --------------------------------------------------------------------------

  /** Members connected now. */
  public int memberCount() {
    return names.size();
  }

  /** Rooms the hub keeps now (empty ones included, until their place is needed). */
  public int roomCount() {
    return rooms.size();
  }

  /** Hub operators connected now. */
  public int operatorCount() {
    return (int) names.values().stream().filter(Session::isOperator).count();
  }

  /** Members connected now who are hidden from those who share no room with them. */
  public int invisibleCount() {
    return (int) names.values().stream().filter(Session::isInvisible).count();
  }

  /** Members dropped so far for not reading fast enough. */
  public long slowDrops() {
    return slowDrops.sum();
  }

  /** Times a member passed the flood limit (one per burst of dropped lines). */
  public long floodNotices() {
    return floodNotices.sum();
  }

  /** Counts one flood notice; called by the session that gave it. */
  void flooded() {
    floodNotices.increment();
  }

  // ---- For sessions and rooms ----------------------------------------------------------------

  Instant now() {
    return clock.instant();
  }

  Session sessionNamed(String name) {
    return names.get(NameRules.key(name));
  }

  /** The room called {@code name}; a refusal if the hub keeps none. */
  Room existingRoom(String name) throws ChatException {
    String clean = NameRules.cleanRoom(name);
    Room room = rooms.get(NameRules.key(clean));
    if (room == null) { // a room in the map is never retired (see enter)
      throw new ChatException(Code.NO_SUCH_ROOM, "there is no room #" + clean);
    }
    return room;
  }

  /** Every room, by name. */
  List<Room> roomList() {
    return rooms.values().stream()
        .sorted(Comparator.comparing(room -> NameRules.key(room.name())))
        .toList();
  }

  /** Moves {@code session} from {@code old} to {@code wanted}, unique ignoring case. */
  void claimName(Session session, String old, String wanted) throws ChatException {
    String oldKey = NameRules.key(old);
    String newKey = NameRules.key(wanted);
    if (oldKey.equals(newKey)) {
      return; // only the case changes: the claim is the same
    }
    if (names.putIfAbsent(newKey, session) != null) {
      throw new ChatException(Code.NAME_TAKEN, "the name " + wanted + " is taken; try another");
    }
    names.remove(oldKey, session);
  }

  void releaseName(Session session, String name) {
    names.remove(NameRules.key(name), session);
  }

  /**
   * Puts {@code session} in the room called {@code name} and returns the room. A room that does not
   * exist is created with the session already in it, forgetting an empty room if the hub is full;
   * creating and forgetting happen under one lock, so the cap holds exactly however many join at
   * once, and a room just created cannot be forgotten before its first member is in. Joining a room
   * that exists takes no hub lock. Called under the session's monitor (the lock order is session,
   * then this, then a room).
   *
   * @param givenKey the key the session gives for a room that has one, or {@code null}
   * @throws ChatException if the room's rules keep the session out (see {@link Room#add}), or the
   *     hub is full of rooms
   */
  Room enter(Session session, String name, String givenKey) throws ChatException {
    String key = NameRules.key(name);
    Room room = rooms.get(key);
    if (room != null && room.add(session, givenKey)) {
      return room;
    }
    synchronized (roomsChanging) {
      room = rooms.get(key);
      if (room != null && room.add(session, givenKey)) {
        return room; // created by another member meanwhile
      }
      // A room in the map is never retired (retiring removes it under this lock), so here the room
      // does not exist.
      if (rooms.size() >= settings.maxRooms() && !forgetAnEmptyRoom()) {
        throw new ChatException(
            Code.TOO_MANY_ROOMS,
            "the hub keeps at most " + settings.maxRooms() + " rooms and none is free");
      }
      Room created = new Room(name, settings.historySize(), settings.presenceLimit(), now());
      created.add(session, givenKey);
      rooms.put(key, created);
      return created;
    }
  }

  /** Retires and removes one room nobody is in; false if every room has members. */
  private boolean forgetAnEmptyRoom() {
    for (Map.Entry<String, Room> entry : rooms.entrySet()) {
      if (entry.getValue().retireIfEmpty()) {
        rooms.remove(entry.getKey(), entry.getValue());
        return true;
      }
    }
    return false;
  }

  /** Queues a member whose backlog passed the cap; called under a room lock. */
  void markSlow(Session session) {
    slow.add(session);
  }

  /**
   * Drops the queued slow members; callers hold no hub lock. The front lets go of the connection
   * first (its place is free at once), then the rooms are told: whoever hears that the member left
   * can take its place.
   */
  void dropSlowMembers() {
    for (Session session; (session = slow.poll()) != null; ) {
      slowDrops.increment();
      String reason =
          String.format(
              "too slow: more than %d bytes waiting to be sent to you; reconnect and read faster",
              settings.slowConsumerBytes());
      session.member().disconnect(reason);
      session.end(Departure.DISCONNECTED, "too slow");
    }
  }
}
