package io.switchboard.chat;

import java.time.Instant;
import java.util.List;

/**
 * What the hub tells a member, free of any wire format: each front renders these its own way (the
 * line protocol as text lines, a later IRC front as IRC messages, a WebSocket front as JSON).
 */
public sealed interface ChatEvent {

  /** This member arrived and got {@code name}: the first event, before any room's traffic. */
  record Connected(String name) implements ChatEvent {}

  /** A message said in a room ({@code action} for {@code /me}). Not sent back to its sender. */
  record Said(String room, String from, String text, boolean action, Instant time)
      implements ChatEvent {}

  /** A private message; its target receives it, and its sender as the confirmation. */
  record Whispered(String from, String to, String text, Instant time) implements ChatEvent {}

  /** Someone else joined a room this member is in. */
  record Joined(String room, String name) implements ChatEvent {}

  /** Someone else left a room this member is in, and how. */
  record Left(String room, String name, Departure how, String reason) implements ChatEvent {}

  /** Someone in a room this member is in changed name. */
  record Renamed(String room, String oldName, String newName) implements ChatEvent {}

  /**
   * This member entered a room: how many are there and who (this member included), in join order;
   * {@code members} is empty in a room too big to list (see {@link ChatSettings#presenceLimit()}),
   * where joins and leaves are not announced either.
   */
  record Entered(String room, int count, List<String> members) implements ChatEvent {
    /** A room small enough to list. */
    public Entered(String room, List<String> members) {
      this(room, members.size(), members);
    }
  }

  /** This member asked for a room's history: its last messages, oldest first. */
  record History(String room, List<Said> messages, int kept) implements ChatEvent {}

  /** Why a member stopped being in a room. */
  enum Departure {
    /** {@code /leave}: still connected. */
    LEFT,
    /** {@code /quit}: said goodbye. */
    QUIT,
    /** The connection ended without a goodbye, or the hub dropped the member. */
    DISCONNECTED
  }
}
