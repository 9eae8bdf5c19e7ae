package io.switchboard.engine.nio;

import io.switchboard.engine.Application;
import io.switchboard.engine.Engine;
import io.switchboard.engine.Limits;
import io.switchboard.engine.Server;
import io.switchboard.engine.spi.ConnectionGroup;
import io.switchboard.engine.spi.EngineOptions;
import io.switchboard.engine.spi.EngineProvider;
import io.switchboard.engine.spi.Listeners;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.util.List;

/**
 * Non-blocking channels polled in a loop with no selector, the classic {@code setblocking(False)}
 * server. Who waits: nobody; one thread tries to accept, tries to read every connection and retries
 * every stalled write, over and over, and parks briefly only when a whole pass found nothing (see
 * {@link PollingLoop}). Who runs the handler: that thread. Simple, and it shows why selectors
 * exist: the cost of a pass grows with the number of connections, busy or not.
 */
public final class PollEngine implements Engine {
  private final EngineOptions options;

  public PollEngine(EngineOptions options) {
    this.options = options;
  }

  @Override
  public <F> Server start(InetSocketAddress address, Application<F> app, Limits limits)
      throws IOException {
    ServerSocketChannel listener = Listeners.open(address, options);
    try {
      listener.configureBlocking(false);
      ConnectionGroup group = new ConnectionGroup(app, limits);
      PollingLoop loop =
          new PollingLoop("poll-loop", new Acceptor<>(new ChannelListener(listener), group, app));
      EventLoopServer server =
          new EventLoopServer(group, "poll (no selector)", listener, List.of(loop), null);
      loop.start();
      server.started((InetSocketAddress) listener.getLocalAddress());
      return server;
    } catch (IOException | RuntimeException e) {
      listener.close();
      throw e;
    }
  }

  /** Registers the model. */
  public static final class Provider extends EngineProvider {
    public Provider() {
      super(
          "poll",
          50,
          "non-blocking sockets polled in a loop, no selector",
          options -> new PollEngine(options));
    }
  }
}
