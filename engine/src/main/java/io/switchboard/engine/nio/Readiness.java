package io.switchboard.engine.nio;

/**
 * A connection's registration with the loop that owns it, as the connection sees it (Netty's {@code
 * IoRegistration}): the one way a connection tells its loop what to wait for. The loop makes one
 * per connection when it takes it ({@link NioConnection#registered}); a selector loop writes the
 * wish into the channel's {@code SelectionKey}, the polling loop into its own lists. So the
 * connection owns whether it wants input and whether its output is stalled, and the loop owns how
 * it waits: neither reads the other's fields.
 *
 * <p>Thread contract: the owning loop's thread only.
 */
interface Readiness {

  /**
   * From now on, wake the connection when its socket is readable (if {@code read}: it wants input)
   * and when it is writable (if {@code write}: its output is stalled on a full socket).
   */
  void interest(boolean read, boolean write);

  /** The connection is closing: stop waking it. Its channel is closed right after. */
  void cancel();

  /**
   * The connection stopped reading a readable socket before it was drained (its share of reads per
   * event is used up): wake it again for what is left. A level-triggered loop does that anyway; an
   * edge-triggered one would not hear of that input again.
   */
  default void inputLeft() {}
}
