package io.switchboard.chat;

import io.switchboard.chat.ChatEvent.Whispered;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The one seam through which a hub shares its rooms and names with other hubs (nodes): every change
 * to a room is decided by the member's node, under the room's lock, and then committed here; the
 * bus hands it back, in the room's one order, to every node that holds a copy of the room ({@link
 * RoomReplica#apply}). Names are claimed here, private messages for members of other nodes go
 * through here, and what a node does not hold (a room it has no member in, a member of another
 * node) is looked up here.
 *
 * <p>{@link LocalBus}, the default, is a hub alone: the room's lock is the order, a change is
 * applied at once by the room itself, and nothing else is asked of the bus ({@link #shared()} is
 * false). The Redis bus (module {@code cluster}) is the shared one; see {@code docs/cluster.md}.
 *
 * <p>Refusals: a method that needs the shared bus throws {@link ChatException.Code#BUS_UNAVAILABLE}
 * within {@link #TIMEOUT} when the bus does not answer, rather than doing anything on this node
 * alone.
 *
 * <p>Thread contract: every method may be called from any thread at once, also under a room's lock
 * ({@link #commit} only queues and never waits); {@link RoomReplica#apply} and {@link Node} are
 * called on the bus's threads, in each room's order, holding none of the hub's locks.
 */
public interface ChatBus extends AutoCloseable {

  /** The longest a member waits for the shared bus before the request is refused. */
  java.time.Duration TIMEOUT = java.time.Duration.ofSeconds(2);

  /** True if other nodes share the rooms and names; false for a hub alone. */
  boolean shared();

  /** Called once by the hub this bus serves, before anything else. */
  void attach(Node node);

  /**
   * Refuses at once ({@link ChatException.Code#BUS_UNAVAILABLE}) if the shared bus is known to be
   * unreachable now: for what a node could answer from its own copies but must not while it may be
   * out of date.
   */
  void requireAvailable() throws ChatException;

  // ---- Rooms ------------------------------------------------------------------------------------

  /**
   * Commits a change the room decided, under the room's lock. Returns {@code null} if this bus
   * leaves the order to the room's lock (a hub alone): the room then applies the change itself, at
   * once. Otherwise a future that completes once this node's copy applied the change (at once, if
   * the room is not {@link #follow followed} here), or fails with a {@link ChatException} ({@link
   * ChatException.Code#BUS_UNAVAILABLE}, or the refusal the bus made: {@link
   * ChatException.Code#TOO_MANY_ROOMS} when a new room would pass the cap).
   */
  CompletableFuture<Void> commit(RoomReplica room, RoomUpdate update);

  /**
   * Starts keeping {@code room} up to date on this node: loads it as the bus has it now ({@link
   * RoomReplica#reload} with nothing missed, before this returns), then hands it every later change
   * ({@link RoomReplica#apply}), in order.
   */
  void follow(RoomReplica room) throws ChatException;

  /** Stops keeping {@code room} up to date (this node has no member in it any more). */
  void unfollow(RoomReplica room);

  /** The room called {@code room} as the bus has it now, or {@code null} if it keeps none. */
  RoomState peek(String room) throws ChatException;

  /** Every room of the shared hub, with how many are in it, secret ones left out, by name. */
  List<ChatHub.RoomCount> rooms() throws ChatException;

  // ---- Names ------------------------------------------------------------------------------------

  /** A generated name for a new member ({@code guest-N}), likely free: it is then claimed. */
  String guestName();

  /**
   * Claims {@code profile.name()} for a member of this node.
   *
   * @throws ChatException {@link ChatException.Code#NAME_TAKEN} if a member anywhere has it
   */
  void claim(Profile profile) throws ChatException;

  /** Moves a member's claim from {@code oldName} to {@code profile.name()}; as {@link #claim}. */
  void rename(String oldName, Profile profile) throws ChatException;

  /** Gives up the claim on {@code name} (its member left). */
  void release(String name);

  /**
   * What the bus knows of the member called {@code name} on another node, or {@code null} if none
   * is.
   */
  Profile profile(String name) throws ChatException;

  /** Tells the other nodes what a member of this node says about itself now (away, hidden...). */
  void describe(Profile profile);

  // ---- Private messages
  // ---------------------------------------------------------------------------

  /**
   * Delivers a private message to a member of another node; returns what the bus knows of that
   * member (its name as it spells it, its away message).
   *
   * @throws ChatException {@link ChatException.Code#NO_SUCH_NAME} if no node has that member
   */
  Profile whisper(Whispered message) throws ChatException;

  /** Leaves the shared hub: this node's members are gone for the others. */
  @Override
  void close();

  /**
   * What a hub offers the bus that serves it.
   *
   * <p>Thread contract: called on the bus's threads, never under the hub's locks.
   */
  interface Node {
    /** Hands a private message from another node to the member here it is for. */
    void whispered(Whispered message);

    /** The members of this node now, as they would claim their names. */
    List<Profile> members();

    /**
     * A member of this node lost its name to another node while the bus could not be reached: drop
     * it with {@code reason}.
     */
    void nameLost(String name, String reason);
  }
}
