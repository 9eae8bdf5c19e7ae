package io.switchboard.chat;

import io.switchboard.chat.ChatEvent.Departure;
import io.switchboard.chat.ChatEvent.Entered;
import io.switchboard.chat.ChatEvent.History;
import io.switchboard.chat.ChatEvent.Joined;
import io.switchboard.chat.ChatEvent.Left;
import io.switchboard.chat.ChatEvent.Renamed;
import io.switchboard.chat.ChatEvent.Said;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One room: its members in join order and its last messages.
 *
 * <p>Presence: joins, leaves and renames are announced to the others only while the room has at
 * most {@code presenceLimit} members (counting the one who comes, goes or renames), and whoever
 * enters is told the names only then. Above it those notices would cost the square of the room's
 * size (a storm of 10,000 joins is 50 million lines) and nobody could follow them; large IRC and
 * chat services quiet big channels the same way.
 *
 * <p>Thread contract: any thread. Every change and every broadcast happens under the room's
 * monitor, so "append to history, then deliver to every member" is one step and all members see the
 * room's events in the same order. Holding the monitor while delivering is cheap because {@link
 * Member#deliver} only queues output and never blocks; and it cannot deadlock because nothing
 * called under it takes another hub lock (a {@link Session}'s monitor is always taken before a
 * room's, never after).
 */
final class Room {
  private final String name;
  private final int historySize;
  private final int presenceLimit;

  /**
   * In join order; a set, so joining, leaving and "is the sender here" cost the same in any room.
   */
  private final Set<Session> members = new LinkedHashSet<>();

  private final ArrayDeque<Said> history;

  /** Set once the hub forgets this empty room; a join that finds it retired looks again. */
  private boolean retired;

  Room(String name, int historySize, int presenceLimit) {
    this.name = name;
    this.historySize = historySize;
    this.presenceLimit = presenceLimit;
    this.history = new ArrayDeque<>(Math.min(historySize, 128));
  }

  String name() {
    return name;
  }

  /**
   * Adds {@code session}, tells the others (in a small room), and tells it who is here (the names
   * in a small room, the count in a big one); false if retired.
   */
  synchronized boolean add(Session session) {
    if (retired) {
      return false;
    }
    members.add(session);
    if (announces()) {
      broadcast(new Joined(name, session.name()), session);
      session.deliver(new Entered(name, memberNames()));
    } else {
      session.deliver(new Entered(name, members.size(), List.of()));
    }
    return true;
  }

  /** Removes {@code session} and tells the others (in a small room); false if it was not here. */
  synchronized boolean remove(Session session, Departure how, String reason) {
    if (!members.contains(session)) {
      return false;
    }
    boolean announce = announces();
    members.remove(session);
    if (announce) {
      broadcast(new Left(name, session.name(), how, reason), null);
    }
    return true;
  }

  /** True while the room is small enough for presence notices (see the class comment). */
  private boolean announces() {
    return members.size() <= presenceLimit;
  }

  /** Appends a message to the history and delivers it to everyone but its sender. */
  synchronized boolean say(Session sender, Said message) {
    if (!members.contains(sender)) {
      return false; // left (or was dropped) while the message was on its way
    }
    if (historySize > 0) {
      if (history.size() == historySize) {
        history.removeFirst();
      }
      history.addLast(message);
    }
    broadcast(message, sender);
    return true;
  }

  synchronized void renamed(Session session, String oldName, String newName) {
    if (announces()) {
      broadcast(new Renamed(name, oldName, newName), session);
    }
  }

  /** Delivers the last {@code count} messages to {@code session}, in order with live ones. */
  synchronized void replay(Session session, int count) {
    int skip = Math.max(0, history.size() - count);
    List<Said> messages = history.stream().skip(skip).toList();
    session.deliver(new History(name, messages, historySize));
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

  private void broadcast(ChatEvent event, Session except) {
    for (Session member : members) {
      if (member != except) {
        member.deliver(event);
      }
    }
  }
}
