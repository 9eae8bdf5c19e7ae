package io.switchboard.engine.blocking;

import io.switchboard.engine.Application;
import io.switchboard.engine.Engine;
import io.switchboard.engine.Limits;
import io.switchboard.engine.Server;
import io.switchboard.engine.spi.AbstractServer;
import io.switchboard.engine.spi.ConnectionGroup;
import io.switchboard.engine.spi.EngineOptions;
import io.switchboard.engine.spi.Listeners;
import io.switchboard.engine.spi.Quietly;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;

/**
 * The blocking models' common shape: one acceptor thread blocks in {@code accept()}; each
 * connection's reader blocks in {@code read()} and runs the handler; its writer blocks in {@code
 * write()} (see {@link BlockingConnection}). The models differ only in where a connection's reader
 * runs ({@link #serve}) and what kind of thread writes ({@link #startWriter}).
 */
public abstract class BlockingEngine implements Engine {
  private static final System.Logger LOG = System.getLogger(BlockingEngine.class.getName());

  private final String model;
  private final EngineOptions options;

  /**
   * @param model the model's name, for thread names and the log
   */
  protected BlockingEngine(String model, EngineOptions options) {
    this.model = model;
    this.options = options;
  }

  /** Runs one connection's reader loop, on whatever thread the model gives it. */
  protected abstract void serve(Runnable readLoop, ConnectionAwaiter awaiter) throws IOException;

  /**
   * Starts the thread that writes one connection's output from other threads' sends. A virtual
   * thread: it exists only so that those sends never block, and costs little while it waits.
   */
  protected void startWriter(Runnable writeLoop, String name) {
    Thread.ofVirtual().name(name).start(writeLoop);
  }

  /**
   * Releases the model's threads at shutdown, once every connection is closed, waiting no longer
   * than {@code untilNanos}.
   */
  protected void stopThreads(long untilNanos) {}

  /** The model and its settings, for the log. */
  protected String description() {
    return model;
  }

  /**
   * Bytes per read. Every connection owns its buffer while it blocks in {@code read()}, so this
   * multiplies by the connection count; 4 KiB holds a typical burst of lines.
   */
  int readBufferSize() {
    return 4096;
  }

  /** Lets the one-client-at-a-time model wait until a connection is fully closed. */
  @FunctionalInterface
  protected interface ConnectionAwaiter {
    void awaitClosed() throws InterruptedException;
  }

  @Override
  public final <F> Server start(InetSocketAddress address, Application<F> app, Limits limits)
      throws IOException {
    ServerSocketChannel listener = Listeners.open(address, options);
    ConnectionGroup group = new ConnectionGroup(app, limits);
    BlockingServer server = new BlockingServer(group, listener);
    Thread acceptor =
        Thread.ofPlatform().name(model + "-acceptor").start(() -> acceptLoop(listener, group, app));
    server.acceptor = acceptor;
    server.started((InetSocketAddress) listener.getLocalAddress());
    return server;
  }

  private <F> void acceptLoop(
      ServerSocketChannel listener, ConnectionGroup group, Application<F> app) {
    while (listener.isOpen()) {
      SocketChannel channel;
      try {
        channel = listener.accept();
      } catch (ClosedChannelException e) {
        return; // shutdown
      } catch (IOException e) {
        // Typically out of file descriptors: back off instead of spinning on the error.
        LOG.log(System.Logger.Level.WARNING, "accept failed, retrying: {0}", e.toString());
        pause();
        continue;
      }
      if (!group.tryAdmit()) {
        group.refuse(channel);
        continue;
      }
      try {
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        BlockingConnection<F> connection = new BlockingConnection<>(group, app, channel, this);
        group.register(connection);
        serve(connection::readLoop, connection::awaitClosed);
      } catch (IOException | RuntimeException e) {
        group.release();
        Quietly.close(channel);
        LOG.log(System.Logger.Level.WARNING, "could not serve a connection: {0}", e.toString());
      }
    }
  }

  private static void pause() {
    try {
      TimeUnit.MILLISECONDS.sleep(50);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private final class BlockingServer extends AbstractServer {
    private final ServerSocketChannel listener;
    volatile Thread acceptor;

    BlockingServer(ConnectionGroup group, ServerSocketChannel listener) {
      super(group, description());
      this.listener = listener;
    }

    @Override
    protected void stopAccepting(long untilNanos) {
      Quietly.close(listener);
    }

    @Override
    protected void stopThreads(long untilNanos) {
      BlockingEngine.this.stopThreads(untilNanos);
      join(acceptor, untilNanos);
    }
  }
}
