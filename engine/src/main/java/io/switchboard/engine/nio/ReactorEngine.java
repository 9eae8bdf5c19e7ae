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
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * One acceptor thread and N selector loops (Netty's shape): the multi-reactor. Who waits: the
 * acceptor blocks in {@code accept()}; each loop waits in its own {@code select()} for its share of
 * the connections, handed out round robin. Who runs the handler: the loop that owns the connection,
 * for its whole life. N defaults to the number of cores, so every core runs a loop. A send from
 * another loop or thread costs the owning loop at most one wakeup per batch.
 */
public final class ReactorEngine implements Engine {
  private final int threads;
  private final SelectorChoice selectors;
  private final EngineOptions options;

  public ReactorEngine(int threads, String selector, EngineOptions options) {
    if (threads <= 0) {
      throw new IllegalArgumentException("threads must be positive: " + threads);
    }
    this.threads = threads;
    this.selectors = SelectorChoice.named(selector);
    this.options = options;
  }

  @Override
  public <F> Server start(InetSocketAddress address, Application<F> app, Limits limits)
      throws IOException {
    ServerSocketChannel listener = Listeners.open(address, options);
    List<SelectorLoop> loops = new ArrayList<>(threads);
    boolean loopsStarted = false;
    try {
      ConnectionGroup group = new ConnectionGroup(app, limits);
      String kind = null;
      for (int i = 0; i < threads; i++) {
        var selector = selectors.open();
        kind = SelectorChoice.kind(selector);
        loops.add(new SelectorLoop("reactor-loop-" + (i + 1), selector, null));
      }
      Acceptor<F> acceptor = new Acceptor<>(listener, group, app);
      Thread acceptorThread =
          Thread.ofPlatform().name("reactor-acceptor").unstarted(() -> acceptor.acceptLoop(loops));
      EventLoopServer server =
          new EventLoopServer(
              group,
              "reactor (threads=" + threads + ", selector=" + kind + ")",
              listener,
              loops,
              acceptorThread);
      loops.forEach(EventLoop::start);
      loopsStarted = true;
      acceptorThread.start();
      server.started((InetSocketAddress) listener.getLocalAddress());
      return server;
    } catch (IOException | RuntimeException e) {
      listener.close();
      // A started loop releases its selector as it stops; one never started must be told to.
      loops.forEach(loopsStarted ? EventLoop::stop : EventLoop::closeResources);
      throw e;
    }
  }

  /** Registers the model. */
  public static final class Provider extends EngineProvider {
    public Provider() {
      super(
          "reactor",
          70,
          "an acceptor + N selector loops (--threads, default cores)",
          options ->
              new ReactorEngine(
                  options.threadsOr(Runtime.getRuntime().availableProcessors()),
                  options.option("selector", SelectorChoice.EPOLL),
                  options));
    }

    @Override
    public Set<String> options() {
      return Set.of(EngineOptions.THREADS, EngineOptions.SELECTOR);
    }
  }
}
