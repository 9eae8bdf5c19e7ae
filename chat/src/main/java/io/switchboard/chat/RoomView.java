package io.switchboard.chat;

import java.time.Instant;
import java.util.List;

/**
 * A room as one member may see it, taken at one moment: its name, when it was made, its topic
 * ({@code null} if none), its settings (the key left out for those outside), its bans, and its
 * members with their roles (those hidden from outsiders left out when the asker is outside).
 *
 * @param inside whether the asker is a member
 */
public record RoomView(
    String name,
    Instant created,
    Topic topic,
    RoomSettings settings,
    List<Ban> bans,
    List<Occupant> occupants,
    int size,
    boolean inside) {

  public RoomView {
    bans = List.copyOf(bans);
    occupants = List.copyOf(occupants);
  }
}
