package io.switchboard.engine.nio;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.ByteChannel;

/**
 * A listening socket as {@link Acceptor} uses it: the JDK's {@code ServerSocketChannel} ({@link
 * ChannelListener}) for the select, poll and reactor models, or the socket the epoll model opens
 * and accepts on itself. So admission, refusal and the hand-over to a loop are written once for
 * both.
 *
 * <p>Thread contract: {@link #accept}, {@link #configure} and the address lookups on the accepting
 * thread; {@link #close} and {@link #isOpen} from any thread.
 *
 * @param <S> the accepted socket: what a {@link NioConnection} reads from and writes to
 */
interface SocketListener<S extends ByteChannel> extends Closeable {

  /**
   * The next connection: waits for one on a blocking listener; null if none is waiting on a
   * non-blocking one.
   *
   * @throws java.nio.channels.ClosedChannelException once the listener is closed (also when {@link
   *     #close} ends a wait)
   */
  S accept() throws IOException;

  boolean isOpen();

  /** Makes an accepted socket ready for its loop: non-blocking, with TCP_NODELAY. */
  void configure(S socket) throws IOException;

  SocketAddress remoteAddress(S socket) throws IOException;

  SocketAddress localAddress(S socket) throws IOException;

  /** Where the listener is bound (the port the kernel picked, if 0 was asked for). */
  InetSocketAddress boundAddress() throws IOException;

  /**
   * Releases what {@link #close} leaves to the accepting thread, once it no longer accepts (or, if
   * it never started, its owner). Nothing by default.
   */
  default void release() {}
}
