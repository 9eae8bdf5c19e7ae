package io.switchboard.chat;

import java.util.List;

/**
 * A room as a {@link ChatBus} sees it: one node's copy of a room that other nodes may share, to
 * which the bus hands the room's changes in the room's order.
 *
 * <p>Thread contract: {@link #apply} and {@link #reload} are called by one bus thread per room at a
 * time, in order; all methods may be called while other threads use the room.
 */
public interface RoomReplica {

  /** The room's name. */
  String name();

  /**
   * Makes one change to the copy, the next in the room's order, and tells this node's members in
   * the room what they hear of it.
   */
  void apply(RoomUpdate update);

  /**
   * Replaces the copy with the room as the bus has it now, after changes were lost on the way to
   * this node: its members here hear that {@code missed} changes (0: an unknown number) were lost,
   * and why.
   */
  void reload(RoomState state, long missed, String reason);

  /**
   * This node's members in the room, as they arrived: for the bus to put back after it lost them.
   */
  List<RoomUpdate.Arrived> localMembers();
}
