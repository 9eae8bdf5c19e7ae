package io.switchboard.chat;

/**
 * The seam between the hub and a front: how the hub reaches one connected user, whatever the
 * protocol. The hub knows members only through this interface.
 *
 * <p>How a new front plugs in: implement this for each of its users, call {@link
 * ChatHub#connect(Member)} when the user arrives, and keep the returned {@link Session}: the front
 * turns its protocol's commands into calls on the session ({@code join}, {@code say}, ...) and
 * renders each {@link ChatEvent} it is handed here in its own format. When the user's connection
 * ends, call {@link Session#disconnected(String)}. A line client, an IRC client and a browser then
 * share the same rooms.
 *
 * <p>Thread contract: the hub calls {@link #deliver} from any thread, possibly while holding a
 * room's lock (that is what keeps a room's order the same for everyone), so it must neither block
 * nor call back into the hub; it only queues output. {@link #disconnect} is called without hub
 * locks held, at most once.
 */
public interface Member {

  /** Queues one event for the user. Never blocks, never calls the hub. */
  void deliver(ChatEvent event);

  /**
   * Bytes (or the front's equivalent unit) queued for this user and not yet sent: the hub drops a
   * member whose backlog passes {@link ChatSettings#slowConsumerBytes()}.
   */
  long backlog();

  /**
   * The hub drops this member (it could not keep up): let go of its connection now, without waiting
   * for the peer to read (its place must be free at once), telling the user {@code reason} if that
   * costs no waiting. Called before the member's rooms hear that it left.
   */
  void disconnect(String reason);

  /**
   * True if this member is handed its own room messages too, in their place in the room's order
   * (IRCv3's {@code echo-message}): a front that shows what its user said where the room put it,
   * rather than where the user typed it, shows every member one order. The browser front does; the
   * line and IRC fronts, whose users' own lines are on their screens already, do not.
   */
  default boolean hearsOwnMessages() {
    return false;
  }
}
