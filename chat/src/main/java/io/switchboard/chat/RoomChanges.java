package io.switchboard.chat;

import java.util.List;

/**
 * What came of a room operator's changes: those applied (as the room's members heard them, in one
 * event) and those refused, each with why.
 *
 * <p>Thread contract: immutable.
 */
public record RoomChanges(List<RoomChange> applied, List<Refused> refused) {
  public RoomChanges {
    applied = List.copyOf(applied);
    refused = List.copyOf(refused);
  }

  /** A change the room refused. */
  public record Refused(RoomChange change, ChatException why) {}
}
