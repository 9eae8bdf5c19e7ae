package io.switchboard.netty;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.switchboard.engine.Application;
import io.switchboard.engine.Engine;
import io.switchboard.engine.Limits;
import io.switchboard.engine.Server;
import io.switchboard.engine.spi.AbstractServer;
import io.switchboard.engine.spi.ConnectionGroup;
import io.switchboard.engine.spi.EngineOptions;
import io.switchboard.engine.spi.EngineProvider;
import io.switchboard.engine.spi.Listeners;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Netty 4.2, the field's reference engine, as one of our models. Who waits: N event loops (one per
 * core by default, {@code --threads N}), each a {@link MultiThreadIoEventLoopGroup} thread whose
 * {@code IoHandler} waits in the chosen transport: {@code nio} (JDK selector), {@code epoll} or
 * {@code io_uring} (option {@code transport}, default {@code auto}). Who runs the handler: the
 * event loop that owns the connection's channel, for its whole life (see {@link NettyConnection}).
 * The listening channel lives on one of the same loops; accepted channels are spread over all.
 *
 * <p>What stays ours: admission, refusal, idle timeout and graceful shutdown are the shared {@link
 * ConnectionGroup}; decoding is the application's decoder fed with Netty's pooled read buffers;
 * output goes through the contract's bounded queue (Netty's own outbound buffer has no bound). What
 * is Netty's: the event loops, the transports, the pooled buffers and reading.
 *
 * <p>Thread contract: {@link #start} from any thread, once; the server's methods from any thread.
 */
public final class NettyEngine implements Engine {
  private final int threads;
  private final NettyTransport transport;
  private final boolean chosenAutomatically;
  private final boolean reusePort;

  NettyEngine(
      int threads, NettyTransport transport, boolean chosenAutomatically, boolean reusePort) {
    if (threads <= 0) {
      throw new IllegalArgumentException("threads must be positive: " + threads);
    }
    this.threads = threads;
    this.transport = transport;
    this.chosenAutomatically = chosenAutomatically;
    this.reusePort = reusePort;
  }

  /**
   * Makes an engine from the command line's options.
   *
   * @param options {@code threads} (default: cores) and {@code transport} = {@code auto} (the best
   *     available: epoll, then io_uring, then nio), {@code nio}, {@code epoll} or {@code io_uring}
   * @throws IllegalArgumentException for an unknown transport
   * @throws IllegalStateException if the transport asked for cannot run here
   */
  public static NettyEngine create(EngineOptions options) {
    String name = options.option("transport", "auto");
    return new NettyEngine(
        options.threadsOr(Runtime.getRuntime().availableProcessors()),
        NettyTransport.named(name),
        name.equalsIgnoreCase("auto"),
        options.reusePort());
  }

  /**
   * The native transports report a port in use as their own {@code NativeIoException}; callers (and
   * people) expect the JDK's {@link BindException}, as from every other model.
   */
  private static IOException bindFailure(InetSocketAddress address, Throwable cause) {
    if (cause instanceof BindException e) {
      return e;
    }
    if (cause instanceof IOException e && String.valueOf(e.getMessage()).contains("in use")) {
      BindException bind = new BindException("Address already in use");
      bind.initCause(e);
      return bind;
    }
    return cause instanceof IOException e ? e : new IOException("could not bind " + address, cause);
  }

  /** The model and its settings, as the start log shows them. */
  String description() {
    return "netty (transport="
        + transport.optionName()
        + (chosenAutomatically ? ", auto" : "")
        + "; threads="
        + threads
        + ")";
  }

  @Override
  public <F> Server start(InetSocketAddress address, Application<F> app, Limits limits)
      throws IOException {
    EventLoopGroup loops =
        new MultiThreadIoEventLoopGroup(
            threads,
            new DefaultThreadFactory("netty-" + transport.optionName()),
            transport.ioHandlers());
    ConnectionGroup group = new ConnectionGroup(app, limits);
    ServerBootstrap bootstrap =
        new ServerBootstrap()
            .group(loops)
            .channel(transport.serverChannel())
            .option(ChannelOption.SO_BACKLOG, Listeners.BACKLOG)
            .option(ChannelOption.SO_REUSEADDR, true)
            .option(transport.reusePort(), reusePort)
            .childOption(ChannelOption.TCP_NODELAY, true)
            // An end of input is the decoder's to finish and ours to answer; Netty would close at
            // once.
            .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
            .childHandler(new Admission<>(group, app, transport.sendsFilesWithoutCopy()));
    ChannelFuture bound = bootstrap.bind(address).awaitUninterruptibly();
    if (!bound.isSuccess()) {
      var unused = loops.shutdownGracefully(0, 0, TimeUnit.SECONDS); // nothing ran on them yet
      throw bindFailure(address, bound.cause());
    }
    Channel listener = bound.channel();
    NettyServer server = new NettyServer(group, listener, loops);
    server.started((InetSocketAddress) listener.localAddress());
    return server;
  }

  /** Admits or refuses each accepted channel, on that channel's event loop. */
  private static final class Admission<F> extends ChannelInitializer<Channel> {
    private final ConnectionGroup group;
    private final Application<F> app;
    private final boolean zeroCopyFiles;

    Admission(ConnectionGroup group, Application<F> app, boolean zeroCopyFiles) {
      this.group = group;
      this.app = app;
      this.zeroCopyFiles = zeroCopyFiles;
    }

    @Override
    protected void initChannel(Channel channel) {
      if (!group.tryAdmit()) {
        group.refused();
        channel.config().setAutoRead(false);
        channel
            .writeAndFlush(Unpooled.wrappedBuffer(app.refusal()))
            .addListener(ChannelFutureListener.CLOSE);
        return;
      }
      try {
        NettyConnection<F> connection = new NettyConnection<>(group, app, channel, zeroCopyFiles);
        group.register(connection);
        channel.pipeline().addLast(connection.inbound());
      } catch (RuntimeException e) {
        group.release();
        var unused = channel.close(); // a failed close leaves nothing more to do here
        throw e;
      }
    }
  }

  private final class NettyServer extends AbstractServer {
    private final Channel listener;
    private final EventLoopGroup loops;

    NettyServer(ConnectionGroup group, Channel listener, EventLoopGroup loops) {
      super(group, description());
      this.listener = listener;
      this.loops = loops;
    }

    @Override
    protected void stopAccepting(long untilNanos) {
      listener.close().awaitUninterruptibly(nanosLeft(untilNanos), TimeUnit.NANOSECONDS);
    }

    @Override
    protected void stopThreads(long untilNanos) {
      // No quiet period: every connection is closed by now, nothing is left to wait for.
      long left = nanosLeft(untilNanos);
      loops
          .shutdownGracefully(0, left, TimeUnit.NANOSECONDS)
          .awaitUninterruptibly(left, TimeUnit.NANOSECONDS);
    }
  }

  /** Registers the model. */
  public static final class Provider extends EngineProvider {
    public Provider() {
      super(
          "netty",
          90,
          "Netty 4.2 event loops (--threads, default cores); transport=auto|nio|epoll|io_uring",
          NettyEngine::create);
    }

    @Override
    public Set<String> options() {
      return Set.of(EngineOptions.THREADS, EngineOptions.TRANSPORT);
    }

    /** One run per transport this machine has, so each is tested. */
    @Override
    public List<EngineOptions> variants() {
      return NettyTransport.available().stream()
          .map(t -> EngineOptions.DEFAULT.with("transport", t.optionName()))
          .toList();
    }
  }
}
