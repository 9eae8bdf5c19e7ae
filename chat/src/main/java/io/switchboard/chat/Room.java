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
import java.util.List;

/**
 * One room: its members in join order and its last messages.
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
  private final List<Session> members = new ArrayList<>();
  private final ArrayDeque<Said> history;

  /** Set once the hub forgets this empty room; a join that finds it retired looks again. */
  private boolean retired;

  Room(String name, int historySize) {
    this.name = name;
    this.historySize = historySize;
    this.history = new ArrayDeque<>(Math.min(historySize, 128));
  }

  String name() {
    return name;
  }

  /** Adds {@code session}, tells the others, and tells it who is here; false if retired. */
  synchronized boolean add(Session session) {
    if (retired) {
      return false;
    }
    Joined joined = new Joined(name, session.name());
    for (Session member : members) {
      member.deliver(joined);
    }
    members.add(session);
    List<String> names = new ArrayList<>(members.size());
    for (Session member : members) {
      names.add(member.name());
    }
    session.deliver(new Entered(name, List.copyOf(names)));
    return true;
  }

  /** Removes {@code session} and tells the others how it left; false if it was not here. */
  synchronized boolean remove(Session session, Departure how, String reason) {
    if (!members.remove(session)) {
      return false;
    }
    broadcast(new Left(name, session.name(), how, reason), null);
    return true;
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
    broadcast(new Renamed(name, oldName, newName), session);
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

  /** Marks the room retired if nobody is in it; true if it was. */
  synchronized boolean retireIfEmpty() {
    if (members.isEmpty()) {
      retired = true;
    }
    return retired;
  }

  synchronized boolean isRetired() {
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
