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
 * The chat hub: rooms, names, messages and history, knowing no IO model and no wire format. Fronts
 * (the line protocol now; IRC, WebSocket or a bus between hubs later) put their users in through
 * {@link #connect(Member)} and share the same rooms; see {@link Member} for how a front plugs in.
 *
 * <p>Thread contract: every method may be called from any thread at once (one thread per connection
 * on blocking models, several event loops on the reactor). Names and rooms live in concurrent maps;
 * each {@link Room} orders its own events under its monitor; a slow consumer found during a
 * broadcast is queued here and dropped by the same call once it holds no lock.
 */
public final class ChatHub {
  private final ChatSettings settings;
  private final Clock clock;
  private final Map<String, Session> names = new ConcurrentHashMap<>();
  private final Map<String, Room> rooms = new ConcurrentHashMap<>();
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
    Session session;
    while (true) {
      String guest = "guest-" + guests.incrementAndGet();
      session = new Session(this, member, guest);
      if (names.putIfAbsent(NameRules.key(guest), session) == null) {
        break;
      }
    }
    session.deliver(new ChatEvent.Connected(session.name()));
    try {
      session.join(settings.defaultRoom());
    } catch (ChatException e) {
      // Only TOO_MANY_ROOMS can get here: the member stays in no room and is told on speaking.
    }
    return session;
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

  /** Every room the hub keeps, by name. */
  public List<RoomCount> rooms() {
    return rooms.values().stream()
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

  /** The room called {@code name}, created if new; may forget an empty room to make space. */
  Room roomFor(String name) throws ChatException {
    String key = NameRules.key(name);
    while (true) {
      Room room = rooms.get(key);
      if (room != null) {
        if (!room.isRetired()) {
          return room;
        }
        rooms.remove(key, room);
        continue;
      }
      if (rooms.size() >= settings.maxRooms() && !forgetAnEmptyRoom()) {
        throw new ChatException(
            Code.TOO_MANY_ROOMS,
            "the hub keeps at most " + settings.maxRooms() + " rooms and none is free");
      }
      Room created = new Room(name, settings.historySize());
      room = rooms.putIfAbsent(key, created);
      return room == null ? created : room;
    }
  }

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

  /** Drops the queued slow members; callers hold no hub lock. */
  void dropSlowMembers() {
    for (Session session; (session = slow.poll()) != null; ) {
      slowDrops.increment();
      String reason =
          String.format(
              "too slow: more than %d bytes waiting to be sent to you; reconnect and read faster",
              settings.slowConsumerBytes());
      session.end(Departure.DISCONNECTED, "too slow");
      session.member().disconnect(reason);
    }
  }
}
