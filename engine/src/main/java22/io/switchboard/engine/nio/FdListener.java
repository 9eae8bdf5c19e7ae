package io.switchboard.engine.nio;

import io.switchboard.engine.spi.EngineOptions;
import io.switchboard.engine.spi.Listeners;
import java.io.IOException;
import java.net.BindException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;

/**
 * The epoll model's listening socket: opened, bound and accepted on with Linux's own calls, so that
 * every accepted connection is a bare descriptor ({@link SocketFd}). Blocking: the model's acceptor
 * thread waits in {@code accept4}, as the reactor's waits in {@code accept}.
 *
 * <p>Closing is in two steps, because another thread may be waiting in {@code accept4} on the
 * descriptor: {@link #close} shuts the socket down, which ends that wait (and any later one) with
 * an error, and the accepting thread {@linkplain #release releases} the descriptor once it has left
 * for good. Closing the descriptor at once could hand its number to a socket opened meanwhile,
 * which the accepting thread would then take connections from.
 *
 * <p>Thread contract: as {@link SocketListener}; {@link #release} by the accepting thread, or by
 * the owner if no thread ever accepted.
 */
final class FdListener implements SocketListener<SocketFd> {
  private final int fd;
  private final InetSocketAddress bound;

  /** The accepting thread's calls (the set-up calls were made with them too, before it started). */
  private final LinuxCalls calls;

  private volatile boolean open = true;
  private boolean released;

  private FdListener(int fd, InetSocketAddress bound, LinuxCalls calls) {
    this.fd = fd;
    this.bound = bound;
    this.calls = calls;
  }

  /**
   * A listener bound to {@code address} with the options every model uses (see {@link Listeners}).
   */
  static FdListener open(InetSocketAddress address, EngineOptions options) throws IOException {
    LinuxCalls calls = new LinuxCalls();
    boolean v6 = address.getAddress() instanceof Inet6Address;
    int fd = calls.socket(v6 ? LinuxCalls.AF_INET6 : LinuxCalls.AF_INET);
    if (fd < 0) {
      throw LinuxCalls.error("socket", fd);
    }
    try {
      check(
          calls.setIntOption(fd, LinuxCalls.SOL_SOCKET, LinuxCalls.SO_REUSEADDR, 1),
          "SO_REUSEADDR");
      if (options.reusePort()) {
        check(
            calls.setIntOption(fd, LinuxCalls.SOL_SOCKET, LinuxCalls.SO_REUSEPORT, 1),
            "SO_REUSEPORT");
      }
      int bind = calls.bind(fd, address);
      if (bind < 0) {
        IOException e = LinuxCalls.error("bind", bind);
        throw new BindException(e.getMessage() + ": " + address);
      }
      check(calls.listen(fd, Listeners.BACKLOG), "listen");
      return new FdListener(fd, calls.address(fd, false), calls);
    } catch (IOException | RuntimeException e) {
      LinuxCalls.close(fd);
      throw e;
    }
  }

  private static void check(int result, String call) throws IOException {
    if (result < 0) {
      throw LinuxCalls.error(call, result);
    }
  }

  @Override
  public SocketFd accept() throws IOException {
    while (true) {
      if (!open) {
        throw new ClosedChannelException();
      }
      int socket = calls.accept(fd);
      if (socket >= 0) {
        return new SocketFd(socket, calls);
      }
      if (!open) {
        throw new AsynchronousCloseException();
      }
      // A signal, or a client that gave up while queued: wait for the next one.
      if (socket != -LinuxCalls.EINTR && socket != -LinuxCalls.ECONNABORTED) {
        throw LinuxCalls.error("accept4", socket);
      }
    }
  }

  @Override
  public boolean isOpen() {
    return open;
  }

  @Override
  public void configure(SocketFd socket) throws IOException {
    // Non-blocking already (accept4's flags).
    check(
        calls.setIntOption(socket.fd(), LinuxCalls.IPPROTO_TCP, LinuxCalls.TCP_NODELAY, 1),
        "TCP_NODELAY");
  }

  @Override
  public SocketAddress remoteAddress(SocketFd socket) throws IOException {
    return calls.address(socket.fd(), true);
  }

  @Override
  public SocketAddress localAddress(SocketFd socket) throws IOException {
    return calls.address(socket.fd(), false);
  }

  @Override
  public InetSocketAddress boundAddress() {
    return bound;
  }

  /** Stops accepting: a thread waiting in {@code accept4} returns. See {@link #release}. */
  @Override
  public void close() {
    if (open) {
      open = false;
      LinuxCalls.shutdown(fd);
    }
  }

  /** Closes the descriptor; call once no thread will accept on it again. Closes first if open. */
  @Override
  public synchronized void release() {
    close();
    if (!released) {
      released = true;
      LinuxCalls.close(fd);
    }
  }
}
