package io.switchboard.cli.prefork;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;

/**
 * The port the workers share. Port 0 cannot be handed to N workers as is (each would get a port of
 * its own), so for port 0 the supervisor picks one: it binds a free port with SO_REUSEPORT on a
 * socket that never listens and holds it for its whole life. Workers can still bind the port (they
 * set SO_REUSEPORT too), the kernel sends no connection to a socket that does not listen, and no
 * other program can take the port while every worker restarts. (Not SO_REUSEADDR: with it a plain
 * listener could bind beside a socket that does not listen.) A port given explicitly is passed on
 * as is, and a worker that cannot bind it fails at start.
 *
 * <p>Thread contract: made and closed by the thread that runs {@code serve}.
 */
public final class PortReservation implements AutoCloseable {
  private final SocketChannel holder;
  private final int port;

  private PortReservation(SocketChannel holder, int port) {
    this.holder = holder;
    this.port = port;
  }

  /** Reserves a free port when {@code address} asks for port 0; otherwise holds nothing. */
  public static PortReservation of(InetSocketAddress address) throws IOException {
    if (address.getPort() != 0) {
      return new PortReservation(null, address.getPort());
    }
    SocketChannel holder = SocketChannel.open();
    try {
      holder.setOption(StandardSocketOptions.SO_REUSEPORT, true);
      holder.bind(address);
      return new PortReservation(holder, ((InetSocketAddress) holder.getLocalAddress()).getPort());
    } catch (IOException | RuntimeException e) {
      holder.close();
      throw e;
    }
  }

  /** The port every worker binds. */
  public int port() {
    return port;
  }

  @Override
  public void close() throws IOException {
    if (holder != null) {
      holder.close();
    }
  }
}
