package io.switchboard.chat;

/**
 * Someone a {@link Room} holds: a {@link Session} of this node, or a {@link Peer}, a member of
 * another node sharing the room through a bus. Rooms apply their rules (roles, bans, who is listed)
 * to both alike; only sessions are delivered to, since each node delivers to its own members. (An
 * abstract class rather than an interface so that {@link #deliver} stays inside the hub.)
 *
 * <p>Thread contract: see the subclasses; rooms call these under their lock.
 */
abstract class Participant {

  public abstract String name();

  public abstract Origin origin();

  /** {@code user@host} (see {@link Origin#address()}). */
  public String address() {
    return origin().address();
  }

  /** True if hidden from those who share no room with it. */
  public abstract boolean isInvisible();

  /** True for a hub operator of this node (a member of another node is none here). */
  public abstract boolean isOperator();

  /** Hands an event to the member if it is connected to this node; only queues. */
  abstract void deliver(ChatEvent event);
}
