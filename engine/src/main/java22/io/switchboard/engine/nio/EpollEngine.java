package io.switchboard.engine.nio;

import io.switchboard.engine.Application;
import io.switchboard.engine.Engine;
import io.switchboard.engine.Limits;
import io.switchboard.engine.Server;
import io.switchboard.engine.spi.EngineOptions;
import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * The reactor's shape (an acceptor thread and N loops, Netty's) with the JDK's socket layer taken
 * out: each loop calls {@code epoll_wait}, {@code recv} and {@code send} itself through the Foreign
 * Function & Memory API ({@link EpollLoop}, {@link SocketFd}), as Netty's epoll transport does
 * through JNI. Everything above the socket (the connection, its queue, the loop's tasks and
 * flushing) is the code the other event-driven models run. Linux only, Java 22 or later; {@link
 * EpollProvider} registers it.
 */
public final class EpollEngine implements Engine {
  private final int threads;
  private final boolean edgeTriggered;
  private final EngineOptions options;

  public EpollEngine(int threads, EngineOptions options) {
    if (threads <= 0) {
      throw new IllegalArgumentException("threads must be positive: " + threads);
    }
    this.threads = threads;
    this.edgeTriggered =
        !options.option(EngineOptions.TRIGGER, EpollProvider.EDGE).equals(EpollProvider.LEVEL);
    this.options = options;
  }

  @Override
  public <F> Server start(InetSocketAddress address, Application<F> app, Limits limits)
      throws IOException {
    return Reactors.start(
        "epoll",
        FdListener.open(address, options),
        threads,
        index -> new EpollLoop("epoll-loop-" + index, edgeTriggered),
        loops ->
            "epoll (threads="
                + threads
                + ", trigger="
                + (edgeTriggered ? EpollProvider.EDGE : EpollProvider.LEVEL)
                + ")",
        app,
        limits);
  }
}
