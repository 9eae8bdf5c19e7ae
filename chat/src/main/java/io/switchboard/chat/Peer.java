package io.switchboard.chat;

/**
 * A member of another node in a room this node shares: its name, origin and whether it hides, as
 * the room's updates tell them. Its own node delivers to it, so delivering here does nothing.
 *
 * <p>Thread contract: changed and read under its room's lock only.
 */
final class Peer extends Participant {
  private String name;
  private final Origin origin;
  private boolean invisible;

  Peer(String name, Origin origin, boolean invisible) {
    this.name = name;
    this.origin = origin;
    this.invisible = invisible;
  }

  @Override
  public String name() {
    return name;
  }

  void rename(String newName) {
    name = newName;
  }

  @Override
  public Origin origin() {
    return origin;
  }

  @Override
  public boolean isInvisible() {
    return invisible;
  }

  void hide(boolean hidden) {
    invisible = hidden;
  }

  @Override
  public boolean isOperator() {
    return false;
  }

  @Override
  void deliver(ChatEvent event) {
    // its own node delivers it
  }

  @Override
  public String toString() {
    return "peer " + name;
  }
}
