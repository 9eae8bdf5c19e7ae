package io.switchboard.chat;

/**
 * One member as a room sees it: the name, and the room's roles it holds. A room operator may kick,
 * invite to an invite-only room, set the topic of a room that locks it, and change the room's
 * settings and roles; a voiced member may speak in a moderated room.
 *
 * <p>Thread contract: immutable.
 */
public record Occupant(String name, boolean operator, boolean voiced) {}
