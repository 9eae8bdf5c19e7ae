package io.switchboard.engine.spi;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.StandardSocketOptions;
import java.nio.channels.NetworkChannel;
import java.nio.channels.ServerSocketChannel;

/**
 * Opens listening sockets the same way for every model, so a socket option that a deployment needs
 * (SO_REUSEPORT for several processes on one port) is set in one place and honoured by all of them.
 *
 * <p>Thread contract: stateless; call from any thread.
 */
public final class Listeners {
  private Listeners() {}

  /** Accept backlog; the kernel caps it at {@code net.core.somaxconn} (4096 here). */
  public static final int BACKLOG = 4096;

  /**
   * A blocking {@link ServerSocketChannel} configured by {@link #configure} and bound to {@code
   * address} (port 0 picks a free port). Models that want it non-blocking switch it themselves.
   */
  public static ServerSocketChannel open(InetSocketAddress address, EngineOptions options)
      throws IOException {
    ServerSocketChannel listener = ServerSocketChannel.open();
    try {
      configure(listener, options);
      listener.bind(address, BACKLOG);
      return listener;
    } catch (IOException | RuntimeException e) {
      listener.close();
      throw e;
    }
  }

  /**
   * Sets the listener options every model uses on a not yet bound {@code channel}: SO_REUSEADDR (a
   * restarted server binds at once although old connections linger in TIME_WAIT), and SO_REUSEPORT
   * when {@link EngineOptions#reusePort()} asks for it. Works for any listener kind, e.g. an {@code
   * AsynchronousServerSocketChannel}.
   *
   * @return {@code channel}
   * @throws SocketException when SO_REUSEPORT is asked for and this platform lacks it
   */
  public static <C extends NetworkChannel> C configure(C channel, EngineOptions options)
      throws IOException {
    channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
    if (options.reusePort()) {
      if (!channel.supportedOptions().contains(StandardSocketOptions.SO_REUSEPORT)) {
        throw new SocketException(
            "SO_REUSEPORT is not supported on "
                + System.getProperty("os.name")
                + ", so several processes cannot share one port");
      }
      channel.setOption(StandardSocketOptions.SO_REUSEPORT, true);
    }
    return channel;
  }
}
