package io.switchboard.chat;

import java.time.Instant;
import java.util.List;

/**
 * What the hub tells a member, free of any wire format: each front renders these its own way (the
 * line protocol as text lines, the IRC front as IRC messages, a WebSocket front as JSON).
 *
 * <p>Events about a person carry that person's {@code address} ({@code user@host}, see {@link
 * Origin#address()}) as well as the name, so a front that shows where people come from (IRC's
 * {@code nick!user@host}) needs no lookup, here or across a bus between hubs.
 */
public sealed interface ChatEvent {

  /** This member arrived and got {@code name}: the first event, before any room's traffic. */
  record Connected(String name) implements ChatEvent {}

  /**
   * A message said in a room, in a {@link Style}. Not sent back to its sender, unless its front
   * asks ({@link Member#hearsOwnMessages()}). It is also the change a message makes to its room
   * (its history), as a bus carries it ({@link RoomUpdate}).
   */
  record Said(String room, String from, String address, String text, Style style, Instant time)
      implements ChatEvent, RoomUpdate {
    /** True for {@code /me} (IRC's CTCP ACTION). */
    public boolean action() {
      return style == Style.ACTION;
    }
  }

  /** A private message; its target receives it, and its sender as the confirmation. */
  record Whispered(String from, String address, String to, String text, Style style, Instant time)
      implements ChatEvent {}

  /** Someone else joined a room this member is in. */
  record Joined(String room, String name, String address) implements ChatEvent {}

  /** Someone else left a room this member is in, and how. */
  record Left(String room, String name, String address, Departure how, String reason)
      implements ChatEvent, RoomUpdate {}

  /** Someone in a room this member is in changed name. */
  record Renamed(String room, String oldName, String newName, String address)
      implements ChatEvent, RoomUpdate {}

  /**
   * This member entered a room: how many are there and who (this member included) in join order
   * with their roles, and the room's topic ({@code null} if none). {@code occupants} is empty in a
   * room too big to list (see {@link ChatSettings#presenceLimit()}), where joins and leaves are not
   * announced either.
   */
  record Entered(String room, int count, List<Occupant> occupants, Topic topic)
      implements ChatEvent {
    public Entered {
      occupants = List.copyOf(occupants);
    }

    /** A room small enough to list. */
    public Entered(String room, List<Occupant> occupants, Topic topic) {
      this(room, occupants.size(), occupants, topic);
    }

    /** The members' names, in join order (none in a room too big to list). */
    public List<String> members() {
      return occupants.stream().map(Occupant::name).toList();
    }
  }

  /** This member asked for a room's history: its last messages, oldest first. */
  record History(String room, List<Said> messages, int kept) implements ChatEvent {}

  /**
   * Someone was put out of a room by {@code by} (a room operator or a hub operator); everyone in
   * the room hears it, the one put out too, who is then no longer in the room.
   */
  record Kicked(String room, String name, String by, String byAddress, String reason)
      implements ChatEvent, RoomUpdate {}

  /** {@code by} invites this member ({@code name}) to {@code room}. Only the invited one hears. */
  record Invited(String room, String name, String by, String byAddress)
      implements ChatEvent, RoomUpdate {}

  /** A room's topic changed ({@code topic.text()} empty: cleared); everyone in it hears. */
  record TopicChanged(String room, String by, String byAddress, Topic topic)
      implements ChatEvent, RoomUpdate {}

  /** A room's settings or its members' roles changed; everyone in it hears, in one event. */
  record RoomChanged(String room, String by, String byAddress, List<RoomChange> changes)
      implements ChatEvent {
    public RoomChanged {
      changes = List.copyOf(changes);
    }
  }

  /**
   * Some of a room's messages and notices never reached this member: the bus between hubs lost them
   * (this node was cut off from it for longer than the room's log keeps, or Redis restarted without
   * its data). What follows is in the room's order again; {@code count} is how many were lost, or 0
   * if that is not known. Never sent by a hub that runs alone.
   */
  record Missed(String room, long count, String reason) implements ChatEvent {
    /**
     * The notice in words, the same on every front: "missed 12 messages and notices of #dev: ...".
     */
    public String sentence() {
      return "missed "
          + (count > 0 ? count + " " : "")
          + "messages and notices of #"
          + room
          + ": "
          + reason;
    }
  }

  /**
   * Something this member asked for, which the hub had taken, could not be done after all: the bus
   * between hubs failed on the way ({@code error} says why, {@link
   * ChatException.Code#BUS_UNAVAILABLE}). A front tells it as it tells a refusal. {@code room} is
   * where it was meant to go, or {@code null}. Never sent by a hub that runs alone.
   */
  record Failed(String room, ChatException error) implements ChatEvent {}

  /** How a message is meant. */
  enum Style {
    /** Said plainly. */
    PLAIN,
    /** {@code /me waves}: an action. */
    ACTION,
    /**
     * A notice: shown like a message, but programs must never answer it automatically (IRC's
     * NOTICE; what keeps two bots from answering each other forever).
     */
    NOTICE
  }

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
