package io.switchboard.engine.aio;

import io.switchboard.engine.Application;
import io.switchboard.engine.Engine;
import io.switchboard.engine.Limits;
import io.switchboard.engine.Server;
import io.switchboard.engine.spi.AbstractServer;
import io.switchboard.engine.spi.ConnectionGroup;
import io.switchboard.engine.spi.EngineOptions;
import io.switchboard.engine.spi.EngineProvider;
import io.switchboard.engine.spi.Listeners;
import io.switchboard.engine.spi.Quietly;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.AsynchronousChannelGroup;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.AsynchronousServerSocketChannel;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.CompletionHandler;
import java.nio.channels.ShutdownChannelGroupException;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * NIO.2 asynchronous channels: the JDK waits and calls back. Who waits: the threads of the engine's
 * own {@link AsynchronousChannelGroup} (one per core by default, {@code --threads N}), which on
 * Linux take turns in {@code epoll_wait} and run the completion handlers of whatever became ready.
 * Who runs the handler: the group thread that completed a connection's read, inside that
 * connection's {@link io.switchboard.engine.spi.SerialContext} (see {@link AioConnection}).
 *
 * <p>Accepting is one outstanding {@code accept}, re-issued as each completes; a client beyond
 * {@link Limits#maxConnections()} gets the refusal line written asynchronously, then is closed.
 *
 * <p>Thread contract: {@link #start} from any thread, once; the returned server's methods from any
 * thread.
 */
public final class AioEngine implements Engine {
  private static final System.Logger LOG = System.getLogger(AioEngine.class.getName());

  private final int threads;
  private final EngineOptions options;

  public AioEngine(int threads, EngineOptions options) {
    if (threads <= 0) {
      throw new IllegalArgumentException("threads must be positive: " + threads);
    }
    this.threads = threads;
    this.options = options;
  }

  @Override
  public <F> Server start(InetSocketAddress address, Application<F> app, Limits limits)
      throws IOException {
    AtomicInteger index = new AtomicInteger();
    AsynchronousChannelGroup channels =
        AsynchronousChannelGroup.withFixedThreadPool(
            threads, r -> Thread.ofPlatform().name("aio-" + index.incrementAndGet()).unstarted(r));
    AsynchronousServerSocketChannel listener;
    try {
      listener =
          Listeners.configure(AsynchronousServerSocketChannel.open(channels), options)
              .bind(address, Listeners.BACKLOG);
    } catch (IOException | RuntimeException e) {
      channels.shutdownNow();
      throw e;
    }
    ConnectionGroup group = new ConnectionGroup(app, limits);
    AioServer server = new AioServer(group, listener, channels);
    new Acceptor<>(listener, group, app).acceptNext();
    server.started((InetSocketAddress) listener.getLocalAddress());
    return server;
  }

  /** Keeps one accept outstanding; runs on the group's threads. */
  private static final class Acceptor<F>
      implements CompletionHandler<AsynchronousSocketChannel, Void> {
    private final AsynchronousServerSocketChannel listener;
    private final ConnectionGroup group;
    private final Application<F> app;

    Acceptor(AsynchronousServerSocketChannel listener, ConnectionGroup group, Application<F> app) {
      this.listener = listener;
      this.group = group;
      this.app = app;
    }

    void acceptNext() {
      try {
        listener.accept(null, this);
      } catch (ShutdownChannelGroupException e) {
        // shutting down
      }
    }

    @Override
    public void completed(AsynchronousSocketChannel channel, Void nothing) {
      acceptNext(); // at once, so other group threads accept while this one sets up
      if (!group.tryAdmit()) {
        group.refused();
        refuse(channel);
        return;
      }
      try {
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        AioConnection<F> connection =
            new AioConnection<>(
                group, app, channel, channel.getRemoteAddress(), channel.getLocalAddress());
        group.register(connection);
        connection.start();
      } catch (IOException | RuntimeException e) {
        group.release();
        Quietly.close(channel);
        LOG.log(System.Logger.Level.WARNING, "could not serve a connection: {0}", e.toString());
      }
    }

    @Override
    public void failed(Throwable error, Void nothing) {
      if (error instanceof AsynchronousCloseException || !listener.isOpen()) {
        return; // shutdown
      }
      // Typically out of file descriptors: back off instead of spinning on the error.
      LOG.log(System.Logger.Level.WARNING, "accept failed, retrying: {0}", error.toString());
      CompletableFuture.delayedExecutor(50, TimeUnit.MILLISECONDS).execute(this::acceptNext);
    }

    /** The refusal line, written without waiting for it; the channel closes when it is done. */
    private void refuse(AsynchronousSocketChannel channel) {
      try {
        channel.write(app.refusal(), channel, CLOSE_WHEN_WRITTEN);
      } catch (RuntimeException e) {
        Quietly.close(channel);
      }
    }
  }

  private static final CompletionHandler<Integer, AsynchronousSocketChannel> CLOSE_WHEN_WRITTEN =
      new CompletionHandler<>() {
        @Override
        public void completed(Integer count, AsynchronousSocketChannel channel) {
          Quietly.close(channel);
        }

        @Override
        public void failed(Throwable error, AsynchronousSocketChannel channel) {
          Quietly.close(channel);
        }
      };

  private final class AioServer extends AbstractServer {
    private final AsynchronousServerSocketChannel listener;
    private final AsynchronousChannelGroup channels;

    AioServer(
        ConnectionGroup group,
        AsynchronousServerSocketChannel listener,
        AsynchronousChannelGroup channels) {
      super(group, "aio (threads=" + threads + ")");
      this.listener = listener;
      this.channels = channels;
    }

    @Override
    protected void stopAccepting(long untilNanos) {
      Quietly.close(listener);
    }

    @Override
    protected void stopThreads(long untilNanos) {
      try {
        channels.shutdownNow();
        channels.awaitTermination(nanosLeft(untilNanos), TimeUnit.NANOSECONDS);
      } catch (IOException e) {
        LOG.log(System.Logger.Level.WARNING, "channel group did not stop: {0}", e.toString());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Registers the model. */
  public static final class Provider extends EngineProvider {
    public Provider() {
      super(
          "aio",
          80,
          "NIO.2 completion handlers on a channel group (--threads, default cores)",
          options ->
              new AioEngine(
                  options.threadsOr(Runtime.getRuntime().availableProcessors()), options));
    }

    @Override
    public Set<String> options() {
      return Set.of(EngineOptions.THREADS);
    }
  }
}
