package io.switchboard.chat;

import io.switchboard.chat.ChatEvent.Departure;
import io.switchboard.chat.ChatEvent.Entered;
import io.switchboard.chat.ChatEvent.History;
import io.switchboard.chat.ChatEvent.Invited;
import io.switchboard.chat.ChatEvent.Joined;
import io.switchboard.chat.ChatEvent.Kicked;
import io.switchboard.chat.ChatEvent.Left;
import io.switchboard.chat.ChatEvent.Renamed;
import io.switchboard.chat.ChatEvent.RoomChanged;
import io.switchboard.chat.ChatEvent.Said;
import io.switchboard.chat.ChatEvent.TopicChanged;
import io.switchboard.chat.ChatException.Code;
import io.switchboard.chat.RoomChange.Setting;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One room: its members in join order with their roles, its topic and settings, its bans and
 * invitations, and its last messages.
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
 * <p>Thread contract: any thread. Every change and every broadcast happens under the room's
 * monitor, so "append to history, then deliver to every member" is one step and all members see the
 * room's events in the same order. Holding the monitor while delivering is cheap because {@link
 * Member#deliver} only queues output and never blocks; and it cannot deadlock because nothing
 * called under it takes another hub lock (a {@link Session}'s monitor is always taken before a
 * room's, never after).
 */
final class Room {
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

  private final String name;
  private final Instant created;
  private final int historySize;
  private final int presenceLimit;

  /** In join order; a set, so joining, leaving and "is the sender here" cost the same anywhere. */
  private final Set<Session> members = new LinkedHashSet<>();

  private final Set<Session> operators = new HashSet<>();
  private final Set<Session> voiced = new HashSet<>();
  private final List<Ban> bans = new ArrayList<>();

  /** Keys ({@link NameRules#key}) of names invited and not joined yet, oldest first. */
  private final Set<String> invited = new LinkedHashSet<>();

  private final ArrayDeque<Said> history;
  private RoomSettings settings = RoomSettings.NEW_ROOM;
  private Topic topic;

  /** Set once the hub forgets this empty room; a join that finds it retired looks again. */
  private boolean retired;

  Room(String name, int historySize, int presenceLimit, Instant created) {
    this.name = name;
    this.historySize = historySize;
    this.presenceLimit = presenceLimit;
    this.created = created;
    this.history = new ArrayDeque<>(Math.min(historySize, 128));
  }

  String name() {
    return name;
  }

  /**
   * Adds {@code session} if the room lets it in ({@code key}: the key it gave, or {@code null}),
   * tells the others (in a small room), and tells it who is here (the names in a small room, the
   * count in a big one) and the topic; false if retired.
   *
   * @throws ChatException if a ban, the invitation rule, the limit or the key keeps it out
   */
  synchronized boolean add(Session session, String key) throws ChatException {
    if (retired) {
      return false;
    }
    if (members.isEmpty()) {
      operators.add(session); // the first member of an empty room runs it
    } else {
      admit(session, key);
    }
    invited.remove(NameRules.key(session.name()));
    members.add(session);
    if (announces()) {
      broadcast(new Joined(name, session.name(), session.address()), session);
      session.deliver(new Entered(name, occupants(true), topic));
    } else {
      session.deliver(new Entered(name, members.size(), List.of(), topic));
    }
    return true;
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

  /** Removes {@code session} and tells the others (in a small room); false if it was not here. */
  synchronized boolean remove(Session session, Departure how, String reason) {
    boolean announce = announces();
    if (!forget(session)) {
      return false;
    }
    if (announce) {
      broadcast(new Left(name, session.name(), session.address(), how, reason), null);
    }
    return true;
  }

  /**
   * Appends a message to the history and delivers it to everyone but its sender (the sender too if
   * it {@linkplain Member#hearsOwnMessages() hears its own}, in the same order). False if the
   * sender is not a member and the room takes messages from its members only (or is retired).
   *
   * @throws ChatException {@link Code#CANNOT_SEND} if the room is moderated or bans the sender, and
   *     it is neither an operator nor voiced
   */
  synchronized boolean say(Session sender, Said message) throws ChatException {
    if (retired || (settings.membersOnly() && !members.contains(sender))) {
      return false; // left (or was put out) while the message was on its way, or an outsider
    }
    boolean privileged = isOperator(sender) || voiced.contains(sender);
    if (settings.moderated() && !privileged) {
      throw new ChatException(
          Code.CANNOT_SEND, "#" + name + " is moderated: only operators and voiced members speak");
    }
    if (!privileged && isBanned(sender)) {
      throw new ChatException(Code.CANNOT_SEND, "you are banned from #" + name);
    }
    if (historySize > 0) {
      if (history.size() == historySize) {
        history.removeFirst();
      }
      history.addLast(message);
    }
    broadcast(message, sender.member().hearsOwnMessages() ? null : sender);
    return true;
  }

  synchronized void renamed(Session session, String oldName, String newName) {
    if (announces()) {
      broadcast(new Renamed(name, oldName, newName, session.address()), session);
    }
  }

  /** Delivers the last {@code count} messages to {@code session}, in order with live ones. */
  synchronized void replay(Session session, int count) {
    int skip = Math.max(0, history.size() - count);
    List<Said> messages = history.stream().skip(skip).toList();
    session.deliver(new History(name, messages, historySize));
  }

  // ---- What operators do ---------------------------------------------------------------------

  /**
   * {@code by} puts {@code target} out of the room; everyone hears, the target too. Called under
   * the target's monitor, which keeps its list of rooms.
   */
  synchronized void kick(Session by, Session target, String reason) throws ChatException {
    requireOperator(by);
    if (!members.contains(target)) {
      throw new ChatException(Code.TARGET_NOT_IN_ROOM, target.name() + " is not in #" + name);
    }
    broadcast(new Kicked(name, target.name(), by.name(), by.address(), reason), null);
    forget(target);
  }

  /** {@code by} invites {@code target}, who may then join even if the room is invite-only. */
  synchronized void invite(Session by, Session target) throws ChatException {
    requireMember(by);
    if (members.contains(target)) {
      throw new ChatException(Code.ALREADY_IN_ROOM, target.name() + " is in #" + name + " already");
    }
    if (settings.inviteOnly()) {
      requireOperator(by);
    }
    invited.add(NameRules.key(target.name()));
    if (invited.size() > MAX_INVITATIONS) {
      Iterator<String> oldest = invited.iterator();
      oldest.next();
      oldest.remove();
    }
    target.deliver(new Invited(name, target.name(), by.name(), by.address()));
  }

  /** Sets ({@code text} empty: clears) the topic; everyone hears, the setter too. */
  synchronized void setTopic(Session by, String text, Instant now) throws ChatException {
    requireMember(by);
    if (settings.topicLocked()) {
      requireOperator(by);
    }
    String clean = cut(text, MAX_TOPIC);
    Topic changed = new Topic(clean, by.name(), now);
    topic = clean.isEmpty() ? null : changed;
    broadcast(new TopicChanged(name, by.name(), by.address(), changed), null);
  }

  /**
   * Applies the changes in order, and tells everyone of those that changed something, in one event;
   * returns them, and each refused one with the reason.
   *
   * @throws ChatException if {@code by} may change nothing here (not a room or hub operator)
   */
  synchronized RoomChanges change(Session by, List<RoomChange> changes, Instant now)
      throws ChatException {
    requireOperator(by);
    List<RoomChange> applied = new ArrayList<>();
    List<RoomChanges.Refused> refused = new ArrayList<>();
    for (RoomChange change : changes) {
      try {
        RoomChange done = apply(by, change, now);
        if (done != null) {
          applied.add(done);
        }
      } catch (ChatException e) {
        refused.add(new RoomChanges.Refused(change, e));
      }
    }
    if (!applied.isEmpty()) {
      broadcast(new RoomChanged(name, by.name(), by.address(), applied), null);
    }
    return new RoomChanges(applied, refused);
  }

  /** Applies one change; returns it as members hear of it, or {@code null} if nothing changed. */
  private RoomChange apply(Session by, RoomChange change, Instant now) throws ChatException {
    return switch (change.setting()) {
      case OPERATOR, VOICE -> role(change);
      case KEY -> key(change);
      case LIMIT -> limit(change);
      case BAN -> ban(by, change, now);
      default -> flag(change);
    };
  }

  private RoomChange role(RoomChange change) throws ChatException {
    Session target = member(change.argument());
    Set<Session> holders = change.setting() == Setting.OPERATOR ? operators : voiced;
    boolean changed = change.on() ? holders.add(target) : holders.remove(target);
    return changed ? new RoomChange(change.setting(), change.on(), target.name()) : null;
  }

  private RoomChange key(RoomChange change) throws ChatException {
    String key = change.on() ? validKey(change.argument()) : null;
    if (Objects.equals(key, settings.key())) {
      return null;
    }
    settings = settings.withKey(key);
    return new RoomChange(Setting.KEY, change.on(), key);
  }

  private RoomChange limit(RoomChange change) throws ChatException {
    int limit = change.on() ? validLimit(change.argument()) : 0;
    if (limit == settings.limit()) {
      return null;
    }
    settings = settings.withLimit(limit);
    return new RoomChange(Setting.LIMIT, change.on(), change.on() ? Integer.toString(limit) : null);
  }

  private RoomChange flag(RoomChange change) {
    if (settings.has(change.setting()) == change.on()) {
      return null;
    }
    settings = settings.with(change.setting(), change.on());
    return new RoomChange(change.setting(), change.on(), null);
  }

  private RoomChange ban(Session by, RoomChange change, Instant now) throws ChatException {
    String mask = change.argument() == null ? "" : NameRules.cleanText(change.argument()).strip();
    if (mask.isEmpty() || mask.contains(" ") || mask.length() > 128) {
      throw new ChatException(
          Code.INVALID_SETTING, "a ban is a mask such as nick!user@host, at most 128 characters");
    }
    String key = NameRules.key(mask);
    for (Iterator<Ban> it = bans.iterator(); it.hasNext(); ) {
      Ban ban = it.next();
      if (NameRules.key(ban.mask()).equals(key)) {
        if (change.on()) {
          return null;
        }
        it.remove();
        return new RoomChange(Setting.BAN, false, ban.mask());
      }
    }
    if (!change.on()) {
      return null;
    }
    if (bans.size() >= MAX_BANS) {
      throw new ChatException(
          Code.INVALID_SETTING, "#" + name + " keeps at most " + MAX_BANS + " bans");
    }
    bans.add(new Ban(mask, by.name(), now));
    return new RoomChange(Setting.BAN, true, mask);
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

  // ---- What members may see ------------------------------------------------------------------

  /** The room as {@code viewer} may see it (see {@link RoomView}). */
  synchronized RoomView view(Session viewer) {
    boolean inside = members.contains(viewer);
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
    return !settings.secret() || members.contains(viewer) || viewer.isOperator();
  }

  /** {@code session}'s roles here, or {@code null} if it is not a member. */
  synchronized Profile.RoomRole roleOf(Session session) {
    return members.contains(session)
        ? new Profile.RoomRole(name, operators.contains(session), voiced.contains(session))
        : null;
  }

  synchronized boolean isSecret() {
    return settings.secret();
  }

  synchronized boolean contains(Session session) {
    return members.contains(session);
  }

  synchronized List<String> memberNames() {
    List<String> names = new ArrayList<>(members.size());
    for (Session member : members) {
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

  // ---- The pieces ----------------------------------------------------------------------------

  /** The members with their roles; those hidden from outsiders only if {@code all}. */
  private List<Occupant> occupants(boolean all) {
    List<Occupant> list = new ArrayList<>(members.size());
    for (Session member : members) {
      if (all || !member.isInvisible()) {
        list.add(new Occupant(member.name(), operators.contains(member), voiced.contains(member)));
      }
    }
    return list;
  }

  /** Removes {@code session} and its roles; an emptied room forgets all but its history. */
  private boolean forget(Session session) {
    if (!members.remove(session)) {
      return false;
    }
    operators.remove(session);
    voiced.remove(session);
    if (members.isEmpty()) {
      settings = RoomSettings.NEW_ROOM;
      topic = null;
      bans.clear();
      invited.clear();
    }
    return true;
  }

  private Session member(String name) throws ChatException {
    if (name != null) {
      String key = NameRules.key(NameRules.cleanName(name));
      for (Session member : members) {
        if (NameRules.key(member.name()).equals(key)) {
          return member;
        }
      }
    }
    throw new ChatException(Code.TARGET_NOT_IN_ROOM, name + " is not in #" + this.name);
  }

  private boolean isOperator(Session session) {
    return session.isOperator() || operators.contains(session);
  }

  private void requireMember(Session session) throws ChatException {
    if (!members.contains(session) && !session.isOperator()) {
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

  private void broadcast(ChatEvent event, Session except) {
    for (Session member : members) {
      if (member != except) {
        member.deliver(event);
      }
    }
  }
}
