package io.switchboard.chat;

import io.switchboard.chat.ChatEvent.Said;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A room as a bus keeps it, whole, at one point of its order: what a node loads to make its copy of
 * a room that other nodes share ({@link ChatBus#follow}), and what it reloads when it missed more
 * than the room's log keeps.
 *
 * <p>Thread contract: immutable.
 *
 * @param name the room's name as first spelt
 * @param created when the room was made
 * @param settings its settings ({@link RoomSettings#NEW_ROOM} for a room nobody is in)
 * @param topic its topic, or {@code null}
 * @param bans its bans, oldest first
 * @param invited the keys ({@link NameRules#key}) of the names invited and not joined yet, oldest
 *     first
 * @param members its members in join order, with their roles
 * @param history its last messages, oldest first
 */
public record RoomState(
    String name,
    Instant created,
    RoomSettings settings,
    Topic topic,
    List<Ban> bans,
    List<String> invited,
    List<Resident> members,
    List<Said> history) {

  public RoomState {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(created, "created");
    Objects.requireNonNull(settings, "settings");
    bans = List.copyOf(bans);
    invited = List.copyOf(invited);
    members = List.copyOf(members);
    history = List.copyOf(history);
  }

  /** A room that exists nowhere yet: what a node starts from before the room's first member. */
  public static RoomState empty(String name, Instant now) {
    return new RoomState(
        name, now, RoomSettings.NEW_ROOM, null, List.of(), List.of(), List.of(), List.of());
  }

  /** One member of a room: who it is, whether it hides, and its roles there. */
  public record Resident(
      String name, Origin origin, boolean invisible, boolean operator, boolean voiced) {
    public Resident {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(origin, "origin");
    }
  }
}
