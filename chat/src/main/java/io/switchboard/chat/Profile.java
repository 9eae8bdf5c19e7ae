package io.switchboard.chat;

import java.time.Instant;
import java.util.List;

/**
 * What one member may see of another (a {@code whois}): name, origin, away message ({@code null}
 * when here), whether a hub operator, whether hidden from those who share no room with it, when it
 * arrived and when it last spoke, and the rooms the asker may see it in, with its roles there.
 *
 * <p>Thread contract: immutable.
 */
public record Profile(
    String name,
    Origin origin,
    String away,
    boolean operator,
    boolean invisible,
    Instant signedOn,
    Instant lastActive,
    List<RoomRole> rooms) {

  public Profile {
    rooms = List.copyOf(rooms);
  }

  /** A room the member is in and its roles there. */
  public record RoomRole(String room, boolean operator, boolean voiced) {}
}
