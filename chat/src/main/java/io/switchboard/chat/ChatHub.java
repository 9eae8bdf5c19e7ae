package io.switchboard.chat;

import io.switchboard.chat.ChatEvent.Departure;
import io.switchboard.chat.ChatEvent.Failed;
import io.switchboard.chat.ChatEvent.Whispered;
import io.switchboard.chat.ChatException.Code;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;

/**
 * The chat hub: rooms (with their roles, rules and topics), names, messages and history, knowing no
 * IO model, no wire format and no bus. Fronts (the line protocol, IRC, a browser) put their users
 * in through {@link #connect(Member)} or {@link #connectAs} and share the same rooms; see {@link
 * Member} for how a front plugs in.
 *
 * <p>A hub alone (the default) keeps everything itself. A hub given a shared {@link ChatBus} is one
 * node of a hub spread over processes and machines: it keeps a copy of each room its own members
 * are in, claims names through the bus, and refuses what needs the bus while the bus cannot be
 * reached ({@link Code#BUS_UNAVAILABLE}) rather than go on alone (see {@code docs/cluster.md}).
 *
 * <p>Thread contract: every method may be called from any thread at once (one thread per connection
 * on blocking models, several event loops on the reactor, the bus's threads). Names and rooms live
 * in concurrent maps; creating and forgetting a room take one hub lock (so the room cap holds
 * exactly), finding one takes none; each {@link Room} orders its own events under its monitor; a
 * slow consumer found during a broadcast is queued here and dropped by the same call once it holds
 * no lock. A thread waits for a shared bus (at most {@link ChatBus#TIMEOUT}) holding none of the
 * hub's locks.
 */
public final class ChatHub {
  private final ChatSettings settings;
  private final Clock clock;
  private final ChatBus bus;

  /** This node's members, by {@link NameRules#key}. */
  private final Map<String, Session> names = new ConcurrentHashMap<>();

  /** The rooms this node keeps: every room for a hub alone, its members' rooms with a bus. */
  private final Map<String, Room> rooms = new ConcurrentHashMap<>();

  /** Held while a room is created or forgotten: see {@link #enter}. */
  private final Object roomsChanging = new Object();

  private final Queue<Session> slow = new ConcurrentLinkedQueue<>();
  private final LongAdder slowDrops = new LongAdder();
  private final LongAdder floodNotices = new LongAdder();

  public ChatHub(ChatSettings settings) {
    this(settings, Clock.systemUTC(), new LocalBus());
  }

  public ChatHub(ChatSettings settings, Clock clock) {
    this(settings, clock, new LocalBus());
  }

  /** A hub that shares its rooms and names through {@code bus} (one node of a spread hub). */
  public ChatHub(ChatSettings settings, ChatBus bus) {
    this(settings, Clock.systemUTC(), bus);
  }

  public ChatHub(ChatSettings settings, Clock clock, ChatBus bus) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.bus = Objects.requireNonNull(bus, "bus");
    bus.attach(new NodeView());
  }

  public ChatSettings settings() {
    return settings;
  }

  /**
   * A new member arrives: it gets a free generated name ({@code guest-N}, changed with {@link
   * Session#rename}) and is put in the default room, so a client that just sends lines is heard at
   * once. The member receives {@link ChatEvent.Connected} and then {@link ChatEvent.Entered} for
   * the default room before this returns. (With a shared bus that cannot be reached it gets its
   * name, is in no room, and hears why: {@link ChatEvent.Failed}.)
   */
  public Session connect(Member member) {
    return connect(member, Origin.UNKNOWN);
  }

  /** {@link #connect(Member)} for a member whose front knows where it comes from. */
  public Session connect(Member member, Origin origin) {
    Session session;
    ChatException unshared = null;
    while (true) {
      String guest = bus.guestName();
      session = new Session(this, member, guest, origin);
      if (names.putIfAbsent(NameRules.key(guest), session) != null) {
        continue;
      }
      try {
        bus.claim(session.profile());
      } catch (ChatException e) {
        if (e.code() == Code.NAME_TAKEN) {
          names.remove(NameRules.key(guest), session);
          continue;
        }
        unshared = e; // kept here; the bus claims it once it is back (see NodeView.members)
      }
      break;
    }
    session.deliver(new ChatEvent.Connected(session.name()));
    if (unshared != null) {
      session.deliver(new Failed(null, unshared));
      return session;
    }
    try {
      session.join(settings.defaultRoom());
    } catch (ChatException e) {
      // TOO_MANY_ROOMS (the default room was forgotten and the hub is full of rooms with members),
      // or the bus failed just now: the member stays in no room and is told on speaking.
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
      throw taken(clean);
    }
    try {
      bus.claim(session.profile());
    } catch (ChatException e) {
      names.remove(NameRules.key(clean), session);
      throw e;
    }
    session.deliver(new ChatEvent.Connected(clean));
    return session;
  }

  /** True if a member is called {@code name} now (ignoring case), on this node or another. */
  public boolean isNameTaken(String name) {
    String clean = NameRules.cleanName(name);
    if (names.containsKey(NameRules.key(clean))) {
      return true;
    }
    try {
      return bus.profile(clean) != null;
    } catch (ChatException e) {
      return false; // the claim itself will say
    }
  }

  /**
   * A room's members, by name in join order. With a shared bus that cannot be reached, refused:
   * this node's copy may be out of date, and it must not answer as if it were the whole hub.
   */
  public List<String> who(String room) throws ChatException {
    bus.requireAvailable();
    return existingRoom(room).memberNames();
  }

  /** A room's name and how many are in it. */
  public record RoomCount(String room, int members) {}

  /** Every room the hub keeps and lists (secret ones are not), by name. */
  public List<RoomCount> rooms() throws ChatException {
    if (bus.shared()) {
      return bus.rooms();
    }
    return rooms.values().stream()
        .filter(room -> !room.isSecret())
        .map(room -> new RoomCount(room.name(), room.size()))
        .sorted(Comparator.comparing(count -> NameRules.key(count.room())))
        .toList();
  }

  // ---- For metrics --------------------------------------------------------------------------

  /** Members connected now (to this node). */
  public int memberCount() {
    return names.size();
  }

  /**
   * Rooms the hub keeps now (empty ones included, until their place is needed; with a bus, the
   * rooms this node's members are in).
   */
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

  ChatBus bus() {
    return bus;
  }

  Instant now() {
    return clock.instant();
  }

  Session sessionNamed(String name) {
    return names.get(NameRules.key(name));
  }

  /** This node's member called {@code name}, or {@code null}. */
  Session localSession(String name) {
    return names.get(NameRules.key(name));
  }

  /**
   * The name of the member called {@code name} (ignoring case) as it spells it, on this node or
   * another.
   *
   * @throws ChatException {@link Code#NO_SUCH_NAME} if nobody is called so
   */
  String spellingOf(String name) throws ChatException {
    Session local = sessionNamed(name);
    if (local != null) {
      return local.name();
    }
    Profile remote = bus.profile(name);
    if (remote == null) {
      throw new ChatException(Code.NO_SUCH_NAME, "nobody is called " + name);
    }
    return remote.name();
  }

  /** What {@code viewer} may see of a member of another node (see {@link Session#whois}). */
  Profile remoteProfile(Session viewer, String name) throws ChatException {
    Profile remote = bus.profile(name);
    if (remote == null) {
      throw new ChatException(Code.NO_SUCH_NAME, "nobody is called " + name);
    }
    boolean sharesOne = false;
    for (Profile.RoomRole role : remote.rooms()) {
      Room copy = rooms.get(NameRules.key(role.room()));
      sharesOne |= copy != null && copy.contains(viewer);
    }
    List<Profile.RoomRole> shown = new ArrayList<>();
    for (Profile.RoomRole role : remote.rooms()) {
      Room copy = rooms.get(NameRules.key(role.room()));
      boolean inside = copy != null && copy.contains(viewer);
      if (inside || viewer.isOperator() || sharesOne || !remote.invisible()) {
        shown.add(role);
      }
    }
    return new Profile(
        remote.name(),
        remote.origin(),
        remote.away(),
        remote.operator(),
        remote.invisible(),
        remote.signedOn(),
        remote.lastActive(),
        shown);
  }

  /** Tells the other nodes what {@code session} says about itself now (a hub alone: nothing). */
  void described(Session session) {
    if (bus.shared() && !session.isGone()) {
      bus.describe(session.profile());
    }
  }

  /** Refuses at once what needs a shared bus that cannot be reached now. */
  void requireBus() throws ChatException {
    bus.requireAvailable();
  }

  /**
   * The room called {@code name}; a refusal if there is none. With a bus, a room this node has no
   * member in is loaded as the bus has it now, to look at or to decide on once.
   */
  Room existingRoom(String name) throws ChatException {
    String clean = NameRules.cleanRoom(name);
    Room room = rooms.get(NameRules.key(clean));
    if (room != null) { // a room in the map is never retired (see enter)
      return room;
    }
    RoomState state = bus.shared() ? bus.peek(clean) : null;
    if (state == null) {
      throw new ChatException(Code.NO_SUCH_ROOM, "there is no room #" + clean);
    }
    return Room.copyOf(this, state);
  }

  /** Every room, by name. */
  List<Room> roomList() throws ChatException {
    if (!bus.shared()) {
      return rooms.values().stream()
          .sorted(Comparator.comparing(room -> NameRules.key(room.name())))
          .toList();
    }
    Map<String, String> all = new TreeMap<>();
    for (Room room : rooms.values()) {
      all.put(NameRules.key(room.name()), room.name());
    }
    for (RoomCount listed : bus.rooms()) {
      all.putIfAbsent(NameRules.key(listed.room()), listed.room());
    }
    List<Room> list = new ArrayList<>();
    for (String room : all.values()) {
      try {
        list.add(existingRoom(room));
      } catch (ChatException e) {
        if (e.code() != Code.NO_SUCH_ROOM) {
          throw e;
        }
      }
    }
    return list;
  }

  /** Moves {@code session} from {@code old} to {@code wanted}, unique ignoring case. */
  void claimName(Session session, String old, String wanted) throws ChatException {
    String oldKey = NameRules.key(old);
    String newKey = NameRules.key(wanted);
    if (oldKey.equals(newKey)) {
      return; // only the case changes: the claim is the same
    }
    if (names.putIfAbsent(newKey, session) != null) {
      throw taken(wanted);
    }
    try {
      bus.rename(old, withName(session.profile(), wanted));
    } catch (ChatException e) {
      names.remove(newKey, session);
      throw e;
    }
    names.remove(oldKey, session);
  }

  private static Profile withName(Profile profile, String name) {
    return new Profile(
        name,
        profile.origin(),
        profile.away(),
        profile.operator(),
        profile.invisible(),
        profile.signedOn(),
        profile.lastActive(),
        profile.rooms());
  }

  private static ChatException taken(String name) {
    return new ChatException(Code.NAME_TAKEN, "the name " + name + " is taken; try another");
  }

  void releaseName(Session session, String name) {
    if (names.remove(NameRules.key(name), session)) {
      bus.release(name);
    }
  }

  /**
   * Puts {@code session} in the room called {@code name} and returns the room, once the session is
   * in it. A hub alone creates a room that does not exist, forgetting an empty room if the hub is
   * full; creating and forgetting happen under one lock, so the cap holds exactly however many join
   * at once, and a room just created cannot be forgotten before its first member is in. The room is
   * in the hub's map before the session is in the room: the session hears it is in (its front
   * writes the JOIN reply) while being added, and whoever it tells may act on the room at once.
   * Joining a room that exists takes no hub lock. With a shared bus, a room this node has no copy
   * of is followed (loaded and kept up to date), and the bus holds the cap over every node.
   *
   * @param givenKey the key the session gives for a room that has one, or {@code null}
   * @throws ChatException if the room's rules keep the session out (see {@link Room#add}), the hub
   *     is full of rooms, or a shared bus fails
   */
  Room enter(Session session, String name, String givenKey) throws ChatException {
    if (bus.shared()) {
      return enterShared(session, name, givenKey);
    }
    String key = NameRules.key(name);
    Room room = rooms.get(key);
    if (room != null && room.add(session, givenKey) != Room.NOT_TAKEN) {
      return room;
    }
    synchronized (roomsChanging) {
      room = rooms.get(key);
      if (room != null && room.add(session, givenKey) != Room.NOT_TAKEN) {
        return room; // created by another member meanwhile
      }
      // A room in the map is never retired (retiring removes it under this lock), so here the room
      // does not exist.
      if (rooms.size() >= settings.maxRooms() && !forgetAnEmptyRoom()) {
        throw new ChatException(
            Code.TOO_MANY_ROOMS,
            "the hub keeps at most " + settings.maxRooms() + " rooms and none is free");
      }
      Room created = newRoom(name);
      // Published first: adding delivers the session's arrival, and a reply sent then must name a
      // room the others can find. Empty meanwhile, it cannot be forgotten (that needs this lock);
      // a member that joins it before this one simply arrives first.
      rooms.put(key, created);
      created.add(session, givenKey);
      return created;
    }
  }

  private Room newRoom(String name) {
    return new Room(this, name, settings.historySize(), settings.presenceLimit(), now());
  }

  private Room enterShared(Session session, String name, String givenKey) throws ChatException {
    String key = NameRules.key(name);
    while (true) {
      Room room = rooms.get(key);
      if (room == null) {
        synchronized (roomsChanging) {
          room = rooms.get(key);
          if (room == null) {
            room = newRoom(name);
            bus.follow(room);
            rooms.put(key, room);
          }
        }
      }
      CompletableFuture<Void> pending;
      try {
        pending = room.add(session, givenKey);
      } catch (ChatException e) {
        forgetIfUnused(room);
        throw e;
      }
      if (pending == Room.NOT_TAKEN) {
        continue; // forgotten meanwhile: follow it anew
      }
      try {
        await(pending);
      } catch (ChatException e) {
        forgetIfUnused(room);
        throw e;
      }
      return room;
    }
  }

  /**
   * With a shared bus, stops following {@code room} once no member of this node is in it (the room
   * lives on in the bus); a hub alone keeps its rooms until their place is needed. Called holding
   * no room lock.
   */
  void forgetIfUnused(Room room) {
    if (!bus.shared()) {
      return;
    }
    synchronized (roomsChanging) {
      String key = NameRules.key(room.name());
      if (rooms.get(key) == room && room.retireIfNoLocalMember()) {
        rooms.remove(key, room);
        bus.unfollow(room);
      }
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

  /**
   * Waits, holding no lock, until a committed change is applied here: nothing to wait for from a
   * hub alone ({@code null}); a refusal if the shared bus refused it, failed, or did not answer
   * within {@link ChatBus#TIMEOUT}.
   */
  void await(CompletableFuture<Void> pending) throws ChatException {
    if (pending == null) {
      return;
    }
    try {
      pending.get(ChatBus.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw busError(e.getCause());
    } catch (TimeoutException e) {
      throw busError(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw busError(e);
    }
  }

  /** What failed on a shared bus, as the refusal a member hears. */
  static ChatException busError(Throwable error) {
    Throwable cause = error;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof ChatException refusal) {
      return refusal;
    }
    String why =
        cause instanceof TimeoutException || cause instanceof CancellationException
            ? "no answer within " + ChatBus.TIMEOUT.toSeconds() + " s"
            : String.valueOf(cause.getMessage());
    return new ChatException(
        Code.BUS_UNAVAILABLE,
        "the chat's bus (Redis) is unavailable (" + why + "); try again in a moment");
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

  /** What the hub offers its bus. */
  private final class NodeView implements ChatBus.Node {
    @Override
    public void whispered(Whispered message) {
      Session target = sessionNamed(message.to());
      if (target != null) {
        target.deliver(
            new Whispered(
                message.from(),
                message.address(),
                target.name(),
                message.text(),
                message.style(),
                message.time()));
        dropSlowMembers();
      }
    }

    @Override
    public List<Profile> members() {
      List<Profile> members = new ArrayList<>();
      for (Session session : names.values()) {
        if (!session.isGone()) {
          members.add(session.profile());
        }
      }
      return members;
    }

    @Override
    public void nameLost(String name, String reason) {
      Session session = sessionNamed(name);
      if (session != null) {
        names.remove(NameRules.key(name), session);
        session.deliver(new Failed(null, new ChatException(Code.NAME_TAKEN, reason)));
        session.member().disconnect(reason);
        session.end(Departure.DISCONNECTED, "name lost");
      }
    }
  }
}
