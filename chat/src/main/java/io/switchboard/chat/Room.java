package io.switchboard.chat;

import io.switchboard.chat.ChatEvent.Departure;
import io.switchboard.chat.ChatEvent.Entered;
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
import io.switchboard.chat.ChatException.Code;
import io.switchboard.chat.RoomChange.Setting;
import io.switchboard.chat.RoomUpdate.Arrived;
import io.switchboard.chat.RoomUpdate.Changed;
import io.switchboard.chat.RoomUpdate.Hidden;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One room: its members in join order with their roles, its topic and settings, its bans and
 * invitations, and its last messages. With a shared bus this is one node's copy of a room that
 * members of several nodes are in: its {@link Participant}s are this node's sessions and {@link
 * Peer}s, the members of other nodes.
 *
 * <p>Roles and settings: the first member of a room that was empty becomes its operator. Operators
 * (and hub operators, from anywhere) change the settings ({@link RoomSettings}), give and take the
 * roles, kick, and invite to an invite-only room. When the last member leaves, the room forgets its
 * topic, settings, roles, bans and invitations and keeps only its history, as an IRC channel that
 * empties is gone: nobody is left who could lift a key or a ban, so none may outlive its members.
 *
 * <p>Presence: joins, leaves and renames are announced to the others only while the room has at
 * most {@code presenceLimit} members (counting the one who comes, goes or renames), and whoever
 * enters is told the names only then. Above it those notices would cost the square of the room's
 * size (a storm of 10,000 joins is 50 million lines) and nobody could follow them; large IRC and
 * chat services quiet big channels the same way. Kicks, topics and setting changes, which only
 * operators make, are always announced.
 *
 * <p>Decide, then apply: every change is first decided under the room's monitor against the room as
 * it is (may this member speak, is the key right: a refusal is thrown there), then committed
 * through the hub's {@link ChatBus} as a {@link RoomUpdate}, and the update is applied ({@link
 * #apply}, the only code that changes the room and tells its members). A hub alone applies at once,
 * inside the same monitor, so "append to history, then deliver to every member" stays one step; a
 * shared bus hands the update back numbered, and every node's copy applies the room's updates in
 * the same order. Methods that decide return what the bus returned: {@code null} when the change is
 * applied already, otherwise a future the caller waits on outside every lock.
 *
 * <p>Thread contract: any thread. Every change and every broadcast happens under the room's
 * monitor, so all members see the room's events in the same order. Holding the monitor while
 * delivering is cheap because {@link Member#deliver} only queues output and never blocks; and it
 * cannot deadlock because nothing called under it takes another hub lock: a session's list of rooms
 * is a leaf lock, and the bus only queues.
 */
final class Room implements RoomReplica {
  /** Bans one room keeps (IRC's MAXLIST); more are refused. */
  static final int MAX_BANS = 64;

  /** Invitations one room remembers; the oldest is forgotten past this. */
  static final int MAX_INVITATIONS = 256;

  /** The longest key, in characters. */
  static final int MAX_KEY = 32;

  /** The longest topic, in characters; a longer one is cut. */
  static final int MAX_TOPIC = 390;

  /** The highest member limit an operator may set. */
  static final int MAX_LIMIT = 1_000_000;

  /**
   * What a deciding method returns when the room did not take the change: {@link #add} on a room
   * the hub forgot meanwhile, {@link #say} from an outsider of a room for members only, {@link
   * #remove} of someone not in it. Completed, so waiting on it by mistake cannot hang.
   */
  static final CompletableFuture<Void> NOT_TAKEN = CompletableFuture.completedFuture(null);

  private final ChatHub hub;
  private final ChatBus bus;
  private final String name;
  private final int historySize;
  private final int presenceLimit;
  private Instant created;

  /**
   * In join order, each with the {@link NameRules#key} it is found by in {@link #byKey} (of the
   * name it had when it joined or last renamed here); a map, so joining, leaving and "is the sender
   * here" cost the same anywhere.
   */
  private final Map<Participant, String> members = new LinkedHashMap<>();

  /**
   * The same members by name key: finding the one who leaves or is named in a command costs the
   * same in a room of ten thousand as in a room of two (a pass over the members made a storm of
   * leavers quadratic).
   */
  private final Map<String, Participant> byKey = new HashMap<>();

  private final Set<Participant> operators = new HashSet<>();
  private final Set<Participant> voiced = new HashSet<>();
  private final List<Ban> bans = new ArrayList<>();

  /** Keys ({@link NameRules#key}) of names invited and not joined yet, oldest first. */
  private final Set<String> invited = new LinkedHashSet<>();

  private final ArrayDeque<Said> history;
  private RoomSettings settings = RoomSettings.NEW_ROOM;
  private Topic topic;

  /** Set once the hub forgets this room; a join that finds it retired looks again. */
  private boolean retired;

  /** This node's arrivals committed through a shared bus and not yet applied here (or failed). */
  private final AtomicInteger arriving = new AtomicInteger();

  Room(ChatHub hub, String name, int historySize, int presenceLimit, Instant created) {
    this.hub = hub;
    this.bus = hub.bus();
    this.name = name;
    this.historySize = historySize;
    this.presenceLimit = presenceLimit;
    this.created = created;
    this.history = new ArrayDeque<>(Math.min(historySize, 128));
  }

  /** A room made from the state a bus keeps, not followed: to look at, or to decide on once. */
  static Room copyOf(ChatHub hub, RoomState state) {
    Room room =
        new Room(
            hub,
            state.name(),
            hub.settings().historySize(),
            hub.settings().presenceLimit(),
            state.created());
    synchronized (room) {
      room.load(state, false);
    }
    return room;
  }

  @Override
  public String name() {
    return name;
  }

  // ---- Deciding: the rules, then a commit --------------------------------------------------

  /**
   * Lets {@code session} in if the room's rules do ({@code key}: the key it gave, or {@code null}).
   * Once applied, the others are told (in a small room), and it is told who is here (the names in a
   * small room, the count in a big one) and the topic. {@link #NOT_TAKEN} if retired.
   *
   * @throws ChatException if a ban, the invitation rule, the limit or the key keeps it out
   */
  synchronized CompletableFuture<Void> add(Session session, String key) throws ChatException {
    if (retired) {
      return NOT_TAKEN;
    }
    if (!members.isEmpty()) {
      admit(session, key);
    }
    CompletableFuture<Void> pending =
        commit(new Arrived(name, session.name(), session.origin(), session.isInvisible()), session);
    if (pending != null && !pending.isDone()) {
      // On its way through the bus: this node's copy must not be forgotten meanwhile (its last
      // local member leaving), or the arrival would be applied to no copy and the member be in
      // the room for the others and in none here.
      arriving.incrementAndGet();
      pending.whenComplete((done, error) -> arriving.decrementAndGet());
    }
    return pending;
  }

  /** True while the room is small enough for presence notices (see the class comment). */
  private boolean announces() {
    return members.size() <= presenceLimit;
  }

  /** Refuses {@code session} if a ban, the invitation rule, the limit or the key keeps it out. */
  private void admit(Session session, String key) throws ChatException {
    boolean wasInvited = invited.contains(NameRules.key(session.name()));
    if (!wasInvited && isBanned(session)) {
      throw new ChatException(Code.BANNED, "you are banned from #" + name);
    }
    if (settings.inviteOnly() && !wasInvited) {
      throw new ChatException(
          Code.INVITE_ONLY, "#" + name + " is invite-only: a member must invite you first");
    }
    if (settings.limit() > 0 && members.size() >= settings.limit()) {
      throw new ChatException(
          Code.ROOM_FULL, "#" + name + " is full (" + settings.limit() + " members)");
    }
    if (settings.key() != null && !settings.key().equals(key)) {
      throw new ChatException(
          Code.BAD_KEY,
          key == null ? "#" + name + " needs a key to join" : "that is not the key of #" + name);
    }
  }

  /** Takes {@code session} out, telling the others (in a small room); {@link #NOT_TAKEN} if out. */
  synchronized CompletableFuture<Void> remove(Session session, Departure how, String reason) {
    if (!members.containsKey(session)) {
      return NOT_TAKEN;
    }
    return commit(new Left(name, session.name(), session.address(), how, reason), session);
  }

  /**
   * A message for everyone but its sender (the sender too if it {@linkplain
   * Member#hearsOwnMessages() hears its own}, in the same order), kept in the history. {@link
   * #NOT_TAKEN} if the sender is not a member and the room takes messages from its members only (or
   * is retired).
   *
   * @throws ChatException {@link Code#CANNOT_SEND} if the room is moderated or bans the sender, and
   *     it is neither an operator nor voiced
   */
  synchronized CompletableFuture<Void> say(Session sender, Said message) throws ChatException {
    if (retired || (settings.membersOnly() && !members.containsKey(sender))) {
      return NOT_TAKEN; // left (or was put out) while the message was on its way, or an outsider
    }
    boolean privileged = isOperator(sender) || voiced.contains(sender);
    if (settings.moderated() && !privileged) {
      throw new ChatException(
          Code.CANNOT_SEND, "#" + name + " is moderated: only operators and voiced members speak");
    }
    if (!privileged && isBanned(sender)) {
      throw new ChatException(Code.CANNOT_SEND, "you are banned from #" + name);
    }
    return commit(message, sender);
  }

  synchronized CompletableFuture<Void> renamed(Session session, String oldName, String newName) {
    if (!members.containsKey(session)) {
      return NOT_TAKEN;
    }
    return commit(new Renamed(name, oldName, newName, session.address()), session);
  }

  /** {@code session} hides from those who share no room with it, or shows itself again. */
  synchronized CompletableFuture<Void> hide(Session session, boolean invisible) {
    if (!members.containsKey(session)) {
      return NOT_TAKEN;
    }
    return commit(new Hidden(name, session.name(), invisible), session);
  }

  /** Delivers the last {@code count} messages to {@code session}, in order with live ones. */
  synchronized void replay(Session session, int count) {
    int skip = Math.max(0, history.size() - count);
    List<Said> messages = history.stream().skip(skip).toList();
    session.deliver(new History(name, messages, historySize));
  }

  // ---- What operators decide -------------------------------------------------------------------

  /**
   * {@code by} puts the member called {@code target} out of the room; everyone hears, the target
   * too.
   */
  synchronized CompletableFuture<Void> kick(Session by, String target, String reason)
      throws ChatException {
    requireOperator(by);
    Participant kicked = member(target);
    if (kicked == null) {
      throw new ChatException(Code.TARGET_NOT_IN_ROOM, target + " is not in #" + name);
    }
    return commit(new Kicked(name, kicked.name(), by.name(), by.address(), reason), by);
  }

  /**
   * {@code by} invites the member called {@code target} (as its name is spelt), who may then join
   * even if the room is invite-only.
   */
  synchronized CompletableFuture<Void> invite(Session by, String target) throws ChatException {
    requireMember(by);
    if (member(target) != null) {
      throw new ChatException(Code.ALREADY_IN_ROOM, target + " is in #" + name + " already");
    }
    if (settings.inviteOnly()) {
      requireOperator(by);
    }
    return commit(new Invited(name, target, by.name(), by.address()), by);
  }

  /** Sets ({@code text} empty: clears) the topic; everyone hears, the setter too. */
  synchronized CompletableFuture<Void> setTopic(Session by, String text, Instant now)
      throws ChatException {
    requireMember(by);
    if (settings.topicLocked()) {
      requireOperator(by);
    }
    String clean = cut(text, MAX_TOPIC);
    return commit(
        new TopicChanged(name, by.name(), by.address(), new Topic(clean, by.name(), now)), by);
  }

  /** The outcome of {@link #change}: what members will hear of, what was refused, the commit. */
  record Decided(RoomChanges changes, CompletableFuture<Void> pending) {}

  /**
   * Decides the changes in order, each against the room as the ones before it left it, and commits
   * those that change something, in one update (everyone hears of them in one event); returns them,
   * and each refused one with the reason.
   *
   * @throws ChatException if {@code by} may change nothing here (not a room or hub operator)
   */
  synchronized Decided change(Session by, List<RoomChange> changes, Instant now)
      throws ChatException {
    requireOperator(by);
    Draft draft = new Draft();
    List<RoomChange> applied = new ArrayList<>();
    List<RoomChanges.Refused> refused = new ArrayList<>();
    for (RoomChange change : changes) {
      try {
        RoomChange done = draft.decide(change);
        if (done != null) {
          applied.add(done);
        }
      } catch (ChatException e) {
        refused.add(new RoomChanges.Refused(change, e));
      }
    }
    CompletableFuture<Void> pending =
        applied.isEmpty()
            ? null
            : commit(new Changed(name, by.name(), by.address(), applied, now), by);
    return new Decided(new RoomChanges(applied, refused), pending);
  }

  /**
   * The room's settings, roles and bans as a list of changes leaves them, decided one by one
   * without touching the room: what {@link #change} commits is then applied as decided.
   */
  private final class Draft {
    private RoomSettings draft = settings;
    private final Set<Participant> ops = new HashSet<>(operators);
    private final Set<Participant> voices = new HashSet<>(voiced);
    private final List<String> banKeys = new ArrayList<>();

    Draft() {
      for (Ban ban : bans) {
        banKeys.add(NameRules.key(ban.mask()));
      }
    }

    /** The change as members hear of it, or {@code null} if it changes nothing. */
    RoomChange decide(RoomChange change) throws ChatException {
      return switch (change.setting()) {
        case OPERATOR, VOICE -> role(change);
        case KEY -> key(change);
        case LIMIT -> limit(change);
        case BAN -> ban(change);
        default -> flag(change);
      };
    }

    private RoomChange role(RoomChange change) throws ChatException {
      Participant target = change.argument() == null ? null : member(change.argument());
      if (target == null) {
        throw new ChatException(Code.TARGET_NOT_IN_ROOM, change.argument() + " is not in #" + name);
      }
      Set<Participant> holders = change.setting() == Setting.OPERATOR ? ops : voices;
      boolean changed = change.on() ? holders.add(target) : holders.remove(target);
      return changed ? new RoomChange(change.setting(), change.on(), target.name()) : null;
    }

    private RoomChange key(RoomChange change) throws ChatException {
      String key = change.on() ? validKey(change.argument()) : null;
      if (Objects.equals(key, draft.key())) {
        return null;
      }
      draft = draft.withKey(key);
      return new RoomChange(Setting.KEY, change.on(), key);
    }

    private RoomChange limit(RoomChange change) throws ChatException {
      int limit = change.on() ? validLimit(change.argument()) : 0;
      if (limit == draft.limit()) {
        return null;
      }
      draft = draft.withLimit(limit);
      return new RoomChange(
          Setting.LIMIT, change.on(), change.on() ? Integer.toString(limit) : null);
    }

    private RoomChange flag(RoomChange change) {
      if (draft.has(change.setting()) == change.on()) {
        return null;
      }
      draft = draft.with(change.setting(), change.on());
      return new RoomChange(change.setting(), change.on(), null);
    }

    private RoomChange ban(RoomChange change) throws ChatException {
      String mask = change.argument() == null ? "" : NameRules.cleanText(change.argument()).strip();
      if (mask.isEmpty() || mask.contains(" ") || mask.length() > 128) {
        throw new ChatException(
            Code.INVALID_SETTING, "a ban is a mask such as nick!user@host, at most 128 characters");
      }
      String key = NameRules.key(mask);
      int at = banKeys.indexOf(key);
      if (at >= 0) {
        if (change.on()) {
          return null;
        }
        banKeys.remove(at);
        return new RoomChange(Setting.BAN, false, banMask(key, mask));
      }
      if (!change.on()) {
        return null;
      }
      if (banKeys.size() >= MAX_BANS) {
        throw new ChatException(
            Code.INVALID_SETTING, "#" + name + " keeps at most " + MAX_BANS + " bans");
      }
      banKeys.add(key);
      return new RoomChange(Setting.BAN, true, mask);
    }
  }

  /** The spelling a ban with {@code key} was set with, or {@code fallback} if none is set. */
  private String banMask(String key, String fallback) {
    for (Ban ban : bans) {
      if (NameRules.key(ban.mask()).equals(key)) {
        return ban.mask();
      }
    }
    return fallback;
  }

  private static String validKey(String key) throws ChatException {
    String clean = key == null ? "" : NameRules.cleanText(key).strip();
    if (clean.isEmpty()
        || clean.contains(" ")
        || clean.contains(",")
        || clean.codePointCount(0, clean.length()) > MAX_KEY) {
      throw new ChatException(
          Code.INVALID_SETTING,
          "a key is 1 to " + MAX_KEY + " characters without spaces or commas");
    }
    return clean;
  }

  private static int validLimit(String limit) throws ChatException {
    try {
      int value = Integer.parseInt(limit == null ? "" : limit.strip());
      if (value >= 1 && value <= MAX_LIMIT) {
        return value;
      }
    } catch (NumberFormatException e) {
      // refused below
    }
    throw new ChatException(
        Code.INVALID_SETTING, "a member limit is a number from 1 to " + MAX_LIMIT);
  }

  // ---- Committing and applying ---------------------------------------------------------------

  /**
   * Hands a decided update to the bus; a hub alone applies it here and now, with {@code author}
   * (the session that made it) known, so nothing is looked up.
   */
  private CompletableFuture<Void> commit(RoomUpdate update, Participant author) {
    CompletableFuture<Void> pending = bus.commit(this, update);
    if (pending == null) {
      apply(update, author);
    }
    return pending;
  }

  /**
   * An update from the bus, the next in the room's order: applied under the monitor; then, holding
   * no lock, the hub drops the slow members it found and forgets the room if this node no longer
   * has anyone in it.
   */
  @Override
  public void apply(RoomUpdate update) {
    synchronized (this) {
      apply(update, null);
    }
    hub.dropSlowMembers();
    hub.forgetIfUnused(this);
  }

  /**
   * The one place a room changes. {@code author} is the session that made the update when it is
   * known here without a lookup, else {@code null}.
   */
  private void apply(RoomUpdate update, Participant author) {
    switch (update) {
      case Said said -> {
        if (historySize > 0) {
          if (history.size() == historySize) {
            history.removeFirst();
          }
          history.addLast(said);
        }
        Participant sender = author != null ? author : hub.localSession(said.from());
        boolean echoed = sender instanceof Session session && session.member().hearsOwnMessages();
        broadcast(said, echoed ? null : sender);
      }
      case Arrived arrived -> arrive(arrived, author);
      case Left left -> {
        Participant leaving = member(left.name());
        if (leaving != null) {
          boolean announce = announces();
          forget(leaving);
          if (announce) {
            broadcast(left, null);
          }
        }
      }
      case Renamed renamed -> {
        Participant renaming = author != null ? author : member(renamed.oldName());
        if (renaming == null) {
          renaming = member(renamed.newName()); // a session of this node, renamed already
        }
        if (renaming != null && members.containsKey(renaming)) {
          String newKey = NameRules.key(renamed.newName());
          byKey.remove(members.put(renaming, newKey));
          byKey.put(newKey, renaming);
          if (renaming instanceof Peer peer) {
            peer.rename(renamed.newName());
          }
          if (announces()) {
            broadcast(renamed, renaming);
          }
        }
      }
      case Kicked kicked -> {
        Participant target = member(kicked.name());
        if (target != null) {
          broadcast(kicked, null);
          forget(target);
        }
      }
      case Invited invitation -> {
        invited.add(NameRules.key(invitation.name()));
        if (invited.size() > MAX_INVITATIONS) {
          Iterator<String> oldest = invited.iterator();
          oldest.next();
          oldest.remove();
        }
        Session target = hub.localSession(invitation.name());
        if (target != null) {
          target.deliver(invitation);
        }
      }
      case TopicChanged changed -> {
        topic = changed.topic().text().isEmpty() ? null : changed.topic();
        broadcast(changed, null);
      }
      case Changed changed -> {
        for (RoomChange change : changed.changes()) {
          applyChange(change, changed.by(), changed.at());
        }
        broadcast(
            new RoomChanged(name, changed.by(), changed.byAddress(), changed.changes()), null);
      }
      case Hidden hidden -> {
        if (member(hidden.name()) instanceof Peer peer) {
          peer.hide(hidden.invisible()); // a session's own flag is read where it is
        }
      }
    }
  }

  private void arrive(Arrived arrived, Participant author) {
    Participant arriving = author != null ? author : hub.localSession(arrived.name());
    if (arriving == null) {
      arriving = new Peer(arrived.name(), arrived.origin(), arrived.invisible());
    }
    if (members.containsKey(arriving) || (author == null && member(arrived.name()) != null)) {
      return; // in already: arriving twice (a node putting its members back) changes nothing
    }
    if (members.isEmpty()) {
      operators.add(arriving); // the first member of an empty room runs it
    }
    invited.remove(NameRules.key(arriving.name()));
    String key = NameRules.key(arriving.name());
    members.put(arriving, key);
    byKey.put(key, arriving);
    if (announces()) {
      broadcast(new Joined(name, arriving.name(), arriving.address()), arriving);
      arriving.deliver(new Entered(name, occupants(true), topic));
    } else {
      arriving.deliver(new Entered(name, members.size(), List.of(), topic));
    }
    if (arriving instanceof Session session) {
      session.entered(this);
    }
  }

  /** Applies one change as decided: nothing is checked again. */
  private void applyChange(RoomChange change, String by, Instant at) {
    switch (change.setting()) {
      case OPERATOR, VOICE -> {
        Participant target = member(change.argument());
        if (target != null) {
          Set<Participant> holders = change.setting() == Setting.OPERATOR ? operators : voiced;
          if (change.on()) {
            holders.add(target);
          } else {
            holders.remove(target);
          }
        }
      }
      case KEY -> settings = settings.withKey(change.on() ? change.argument() : null);
      case LIMIT ->
          settings = settings.withLimit(change.on() ? Integer.parseInt(change.argument()) : 0);
      case BAN -> {
        String key = NameRules.key(change.argument());
        bans.removeIf(ban -> NameRules.key(ban.mask()).equals(key));
        if (change.on()) {
          bans.add(new Ban(change.argument(), by, at));
        }
      }
      default -> settings = settings.with(change.setting(), change.on());
    }
  }

  @Override
  public synchronized void reload(RoomState state, long missed, String reason) {
    load(state, true);
    if (reason != null) {
      broadcast(new Missed(name, missed, reason), null);
    }
  }

  /**
   * Replaces everything but the name with {@code state}; called under the monitor. For this node's
   * copy of the room ({@code followed}), its sessions learn which rooms they are in now.
   */
  private void load(RoomState state, boolean followed) {
    List<Session> before = localSessions();
    members.clear();
    byKey.clear();
    operators.clear();
    voiced.clear();
    bans.clear();
    invited.clear();
    history.clear();
    created = state.created();
    settings = state.settings();
    topic = state.topic();
    bans.addAll(state.bans());
    invited.addAll(state.invited());
    for (RoomState.Resident resident : state.members()) {
      Participant participant = hub.localSession(resident.name());
      if (participant == null) {
        participant = new Peer(resident.name(), resident.origin(), resident.invisible());
      }
      String key = NameRules.key(resident.name());
      members.put(participant, key);
      byKey.put(key, participant);
      if (resident.operator()) {
        operators.add(participant);
      }
      if (resident.voiced()) {
        voiced.add(participant);
      }
    }
    for (Said said : state.history()) {
      if (historySize > 0) {
        if (history.size() == historySize) {
          history.removeFirst();
        }
        history.addLast(said);
      }
    }
    if (!followed) {
      return;
    }
    for (Session session : before) {
      if (!members.containsKey(session)) {
        session.exited(this); // the room as the bus keeps it has it no more
      }
    }
    for (Participant participant : members.keySet()) {
      if (participant instanceof Session session) {
        session.entered(this);
      }
    }
  }

  @Override
  public synchronized List<Arrived> localMembers() {
    List<Arrived> local = new ArrayList<>();
    for (Session session : localSessions()) {
      if (!session.isGone()) {
        local.add(new Arrived(name, session.name(), session.origin(), session.isInvisible()));
      }
    }
    return local;
  }

  private List<Session> localSessions() {
    List<Session> local = new ArrayList<>();
    for (Participant participant : members.keySet()) {
      if (participant instanceof Session session) {
        local.add(session);
      }
    }
    return local;
  }

  // ---- What members may see ------------------------------------------------------------------

  /** The room as {@code viewer} may see it (see {@link RoomView}). */
  synchronized RoomView view(Session viewer) {
    boolean inside = members.containsKey(viewer);
    RoomSettings shown =
        inside || settings.key() == null ? settings : settings.withKey(""); // a key, not which
    return new RoomView(
        name,
        created,
        topic,
        shown,
        List.copyOf(bans),
        occupants(inside || viewer.isOperator()),
        members.size(),
        inside);
  }

  /** Whether {@code viewer} may know this room exists: it is not secret, or the viewer is in it. */
  synchronized boolean visibleTo(Session viewer) {
    return !settings.secret() || members.containsKey(viewer) || viewer.isOperator();
  }

  /** {@code session}'s roles here, or {@code null} if it is not a member. */
  synchronized Profile.RoomRole roleOf(Session session) {
    return members.containsKey(session)
        ? new Profile.RoomRole(name, operators.contains(session), voiced.contains(session))
        : null;
  }

  synchronized boolean isSecret() {
    return settings.secret();
  }

  synchronized boolean contains(Session session) {
    return members.containsKey(session);
  }

  synchronized List<String> memberNames() {
    List<String> names = new ArrayList<>(members.size());
    for (Participant member : members.keySet()) {
      names.add(member.name());
    }
    return names;
  }

  synchronized int size() {
    return members.size();
  }

  /** Marks the room retired if nobody is in it (it takes no member after); true if it was. */
  synchronized boolean retireIfEmpty() {
    if (members.isEmpty()) {
      retired = true;
    }
    return retired;
  }

  /**
   * Marks this node's copy retired if no session of this node is in the room nor on its way in (the
   * room itself lives on in the bus); true if it was.
   */
  synchronized boolean retireIfNoLocalMember() {
    if (localSessions().isEmpty() && arriving.get() == 0) {
      retired = true;
    }
    return retired;
  }

  // ---- The pieces ----------------------------------------------------------------------------

  /** The members with their roles; those hidden from outsiders only if {@code all}. */
  private List<Occupant> occupants(boolean all) {
    List<Occupant> list = new ArrayList<>(members.size());
    for (Participant member : members.keySet()) {
      if (all || !member.isInvisible()) {
        list.add(new Occupant(member.name(), operators.contains(member), voiced.contains(member)));
      }
    }
    return list;
  }

  /** Removes {@code participant} and its roles; an emptied room forgets all but its history. */
  private void forget(Participant participant) {
    String key = members.remove(participant);
    if (key == null) {
      return;
    }
    byKey.remove(key);
    operators.remove(participant);
    voiced.remove(participant);
    if (members.isEmpty()) {
      settings = RoomSettings.NEW_ROOM;
      topic = null;
      bans.clear();
      invited.clear();
    }
    if (participant instanceof Session session) {
      session.exited(this);
    }
  }

  /** The member called {@code name} (ignoring case), or {@code null}. */
  private Participant member(String name) {
    if (name != null) {
      return byKey.get(NameRules.key(NameRules.cleanName(name)));
    }
    return null;
  }

  private boolean isOperator(Session session) {
    return session.isOperator() || operators.contains(session);
  }

  private void requireMember(Session session) throws ChatException {
    if (!members.containsKey(session) && !session.isOperator()) {
      throw new ChatException(Code.NOT_IN_ROOM, "you are not in #" + name);
    }
  }

  private void requireOperator(Session session) throws ChatException {
    requireMember(session);
    if (!isOperator(session)) {
      throw new ChatException(Code.NOT_OPERATOR, "only operators of #" + name + " may do that");
    }
  }

  private boolean isBanned(Session session) {
    if (bans.isEmpty()) {
      return false;
    }
    String mask = Mask.of(session.name(), session.origin());
    for (Ban ban : bans) {
      if (Mask.matches(ban.mask(), mask)) {
        return true;
      }
    }
    return false;
  }

  private static String cut(String text, int most) {
    if (text.codePointCount(0, text.length()) <= most) {
      return text;
    }
    return text.substring(0, text.offsetByCodePoints(0, most));
  }

  private void broadcast(ChatEvent event, Participant except) {
    for (Participant member : members.keySet()) {
      if (member != except) {
        member.deliver(event);
      }
    }
  }

  @Override
  public String toString() {
    return "room #" + name;
  }
}
