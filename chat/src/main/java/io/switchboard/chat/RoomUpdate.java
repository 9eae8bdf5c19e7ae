package io.switchboard.chat;

import io.switchboard.chat.ChatEvent.Invited;
import io.switchboard.chat.ChatEvent.Kicked;
import io.switchboard.chat.ChatEvent.Left;
import io.switchboard.chat.ChatEvent.Renamed;
import io.switchboard.chat.ChatEvent.Said;
import io.switchboard.chat.ChatEvent.TopicChanged;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One change to a room, decided by the node of the member who makes it and then applied, in the
 * room's order, by every node that holds a copy of the room ({@link ChatBus}). An update carries
 * what every copy needs to make the same change without looking anything up: a message, a member
 * who arrives with its origin, one who leaves, a rename, a kick, an invitation, a topic, changes of
 * settings and roles, a member who hides.
 *
 * <p>Where an event members hear says everything a copy needs, the event is the update ({@link
 * Said}, {@link Left}, {@link Renamed}, {@link Kicked}, {@link Invited}, {@link TopicChanged}); the
 * others are the records below.
 *
 * <p>Thread contract: immutable.
 */
public sealed interface RoomUpdate
    permits Said,
        Left,
        Renamed,
        Kicked,
        Invited,
        TopicChanged,
        RoomUpdate.Arrived,
        RoomUpdate.Changed,
        RoomUpdate.Hidden {

  /** The room it changes. */
  String room();

  /**
   * A member enters the room. The first member of an empty room becomes its operator.
   *
   * @param invisible whether it hides from those who share no room with it (IRC's {@code +i})
   */
  record Arrived(String room, String name, Origin origin, boolean invisible) implements RoomUpdate {
    public Arrived {
      Objects.requireNonNull(origin, "origin");
    }
  }

  /**
   * A room operator ({@code by}) changed settings or roles: {@code changes} are those that took
   * effect, in order, at {@code at} (when a ban was set).
   */
  record Changed(String room, String by, String byAddress, List<RoomChange> changes, Instant at)
      implements RoomUpdate {
    public Changed {
      changes = List.copyOf(changes);
    }
  }

  /** A member of the room hides from, or shows itself again to, those who share no room with it. */
  record Hidden(String room, String name, boolean invisible) implements RoomUpdate {}
}
