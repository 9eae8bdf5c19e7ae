package io.switchboard.engine.nio;

import io.switchboard.engine.Application;
import io.switchboard.engine.Engine;
import io.switchboard.engine.Limits;
import io.switchboard.engine.Server;
import io.switchboard.engine.spi.EngineOptions;
import io.switchboard.engine.spi.EngineProvider;
import io.switchboard.engine.spi.Listeners;
import java.io.IOException;
import java.net.InetSocketAddress;
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
    return Reactors.start(
        "reactor",
        new ChannelListener(Listeners.open(address, options)),
        threads,
        index -> new SelectorLoop("reactor-loop-" + index, selectors.open(), null, null),
        loops ->
            "reactor (threads="
                + threads
                + ", selector="
                + SelectorChoice.kind(loops.get(0).selector())
                + ")",
        app,
        limits);
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
