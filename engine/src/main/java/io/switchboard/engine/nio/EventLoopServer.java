package io.switchboard.engine.nio;

import io.switchboard.engine.spi.AbstractServer;
import io.switchboard.engine.spi.ConnectionGroup;
import io.switchboard.engine.spi.Quietly;
import java.io.Closeable;
import java.util.List;

/**
 * A running event-driven server: its listener, its loops, and (for the reactor) the acceptor
 * thread. Shutdown follows {@link AbstractServer}: close the listener, let the group close every
 * connection on its loop, then stop the loops.
 *
 * <p>Thread contract: as {@link AbstractServer}.
 */
final class EventLoopServer extends AbstractServer {
  private final Closeable listener;
  private final List<? extends EventLoop> loops;
  private final Thread acceptorThread;

  /**
   * @param acceptorThread the thread blocking in accept, or null if a loop accepts
   */
  EventLoopServer(
      ConnectionGroup group,
      String description,
      Closeable listener,
      List<? extends EventLoop> loops,
      Thread acceptorThread) {
    super(group, description);
    this.listener = listener;
    this.loops = loops;
    this.acceptorThread = acceptorThread;
  }

  @Override
  protected void stopAccepting(long untilNanos) {
    Quietly.close(listener);
    // A listener registered with a selector keeps its descriptor until that selector runs again.
    loops.forEach(EventLoop::wakeup);
    if (acceptorThread != null) {
      // Waits for a connection accepted just before the close to be handed to its loop.
      join(acceptorThread, untilNanos);
    }
  }

  @Override
  protected void stopThreads(long untilNanos) {
    loops.forEach(loop -> loop.stop(untilNanos));
  }
}
