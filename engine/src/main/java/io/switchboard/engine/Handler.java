package io.switchboard.engine;

/**
 * The application side of the contract: what an app does when its connections open, receive a
 * frame, change writability and close.
 *
 * <p>Thread contract: the engine never calls one connection's handler from two threads at once, and
 * calls for one connection arrive in order ({@code opened} first, {@code closed} last and exactly
 * once). Different connections may be served on different threads at the same time, so a handler
 * shared by all connections must guard its own shared state. A callback should not block: on
 * event-loop models it holds up every connection of that loop.
 *
 * <p>Failure: a callback (or the app's decoder) that throws costs its own connection only, the same
 * way on every model. The engine logs the failure once, with the connection and the cause, aborts
 * that connection (queued output is dropped), calls {@link #closed} with the exception as the
 * cause, and goes on serving everyone else; no engine thread dies of it. An exception thrown by
 * {@code closed} itself is logged and ignored.
 *
 * @param <F> the frame type produced by the application's {@link Decoder}
 */
public interface Handler<F> {

  /** The connection is established; {@link Connection#send} may be used from now on. */
  default void opened(Connection connection) {}

  /** One complete frame arrived. Frames of one connection arrive in the order they were sent. */
  void received(Connection connection, F frame);

  /**
   * The outbound queue crossed a water mark: check {@link Connection#isWritable()} for the new
   * state. As in Netty, this is a hint to re-check, delivered once per crossing.
   */
  default void writabilityChanged(Connection connection) {}

  /**
   * The peer broke the framing rules (for example a line longer than {@link
   * Limits#maxFrameLength}): the decoder is unusable now and nothing more is read from this
   * connection. The app tells the peer in its own protocol's words (the line services' {@code ERROR
   * ...} line, chat's {@code ! line-too-long}, an HTTP 431) and closes or aborts the connection;
   * the contract knows no wire format, so there is no default.
   */
  void malformed(Connection connection, FrameException error);

  /**
   * The server is shutting down: the connection is closed right after this returns, once what is
   * queued has been written (within {@link Limits#shutdownDeadline()}). The app's chance to say
   * goodbye in its own protocol (chat: {@code = server shutting down}); the default says nothing.
   */
  default void stopping(Connection connection) {}

  /**
   * The connection is closed and will receive nothing more.
   *
   * @param cause {@code null} for an orderly close (either side), otherwise why it ended: an {@link
   *     java.io.IOException} from the socket, {@link IdleTimeoutException}, {@link
   *     OutboundOverflowException}, ...
   */
  default void closed(Connection connection, Throwable cause) {}
}
