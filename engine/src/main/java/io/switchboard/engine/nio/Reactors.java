package io.switchboard.engine.nio;

import io.switchboard.engine.Application;
import io.switchboard.engine.Limits;
import io.switchboard.engine.Server;
import io.switchboard.engine.spi.ConnectionGroup;
import java.io.IOException;
import java.nio.channels.ByteChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Starts the multi-reactor shape, written once for the models that share it ({@code reactor} on the
 * JDK's selectors, {@code epoll} on its own calls): one acceptor thread blocking in accept and
 * handing connections round robin to N loops, each the handler context of its share.
 *
 * <p>Thread contract: stateless; any thread.
 */
final class Reactors {
  private Reactors() {}

  /** Makes loop number {@code index} (from 1). */
  @FunctionalInterface
  interface LoopFactory<L extends EventLoop> {
    L make(int index) throws IOException;
  }

  /**
   * Serves {@code app} on {@code listener} (blocking, bound; released if starting fails) with
   * {@code threads} loops from {@code loops}.
   *
   * @param description what the server says it is, given the loops (a selector's kind, say)
   */
  static <F, S extends ByteChannel, L extends EventLoop> Server start(
      String model,
      SocketListener<S> listener,
      int threads,
      LoopFactory<L> loops,
      Function<List<L>, String> description,
      Application<F> app,
      Limits limits)
      throws IOException {
    List<L> made = new ArrayList<>(threads);
    boolean loopsStarted = false;
    try {
      ConnectionGroup group = new ConnectionGroup(app, limits);
      for (int i = 1; i <= threads; i++) {
        made.add(loops.make(i));
      }
      Acceptor<F, S> acceptor = new Acceptor<>(listener, group, app);
      Thread acceptorThread =
          Thread.ofPlatform()
              .name(model + "-acceptor")
              .unstarted(
                  () -> {
                    try {
                      acceptor.acceptLoop(made);
                    } finally {
                      listener.release();
                    }
                  });
      EventLoopServer server =
          new EventLoopServer(group, description.apply(made), listener, made, acceptorThread);
      made.forEach(EventLoop::start);
      loopsStarted = true;
      acceptorThread.start();
      server.started(listener.boundAddress());
      return server;
    } catch (IOException | RuntimeException e) {
      listener.close();
      listener.release();
      // A started loop releases its resources as it stops; one never started must be told to.
      made.forEach(loopsStarted ? EventLoop::stop : EventLoop::closeResources);
      throw e;
    }
  }
}
