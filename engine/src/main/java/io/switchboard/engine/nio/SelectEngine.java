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
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.util.List;
import java.util.Set;

/**
 * One thread, one {@link Selector}: the classic single-threaded event loop. Who waits: the loop
 * thread, in {@code select()}, for any of its sockets (the listener included) to be ready. Who runs
 * the handler: that same thread, so handlers must not block. The selector is epoll by default, or
 * the JDK's {@code poll(2)} one with {@code selector=poll} (see {@link SelectorChoice}).
 */
public final class SelectEngine implements Engine {
  private final SelectorChoice selectors;
  private final EngineOptions options;

  public SelectEngine(String selector, EngineOptions options) {
    this.selectors = SelectorChoice.named(selector);
    this.options = options;
  }

  @Override
  public <F> Server start(InetSocketAddress address, Application<F> app, Limits limits)
      throws IOException {
    ServerSocketChannel listener = Listeners.open(address, options);
    Selector selector = null;
    try {
      listener.configureBlocking(false);
      ConnectionGroup group = new ConnectionGroup(app, limits);
      selector = selectors.open();
      SelectorLoop loop =
          new SelectorLoop(
              "select-loop",
              selector,
              listener,
              new Acceptor<>(new ChannelListener(listener), group, app));
      EventLoopServer server =
          new EventLoopServer(
              group,
              "select (selector=" + SelectorChoice.kind(selector) + ")",
              listener,
              List.of(loop),
              null);
      loop.start();
      server.started((InetSocketAddress) listener.getLocalAddress());
      return server;
    } catch (IOException | RuntimeException e) {
      listener.close();
      if (selector != null) {
        selector.close();
      }
      throw e;
    }
  }

  /** Registers the model. */
  public static final class Provider extends EngineProvider {
    public Provider() {
      super(
          "select",
          60,
          "one thread, one Selector (--selector epoll|poll)",
          options -> new SelectEngine(options.option("selector", SelectorChoice.EPOLL), options));
    }

    @Override
    public Set<String> options() {
      return Set.of(EngineOptions.SELECTOR);
    }

    @Override
    public List<EngineOptions> variants() {
      return List.of(
          EngineOptions.DEFAULT.with("selector", SelectorChoice.EPOLL),
          EngineOptions.DEFAULT.with("selector", SelectorChoice.POLL));
    }
  }
}
