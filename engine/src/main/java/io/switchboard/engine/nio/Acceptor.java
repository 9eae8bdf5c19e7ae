package io.switchboard.engine.nio;

import io.switchboard.engine.Application;
import io.switchboard.engine.spi.ConnectionGroup;
import java.io.IOException;
import java.nio.channels.ByteChannel;
import java.nio.channels.ClosedChannelException;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Accepting, written once for the event-driven models: admission against the connection limit, the
 * refusal, socket setup, and handing the new connection to its loop. Two ways to drive it: a loop
 * that also accepts calls {@link #acceptAvailable} when the listener is ready (select, poll); a
 * dedicated acceptor thread runs {@link #acceptLoop} and spreads connections over loops (reactor).
 *
 * <p>Thread contract: {@link #acceptAvailable} runs on the loop thread that passes itself; {@link
 * #acceptLoop} on the one acceptor thread.
 *
 * @param <F> the application's frame type
 * @param <S> the accepted socket's type (see {@link SocketListener})
 */
final class Acceptor<F, S extends ByteChannel> {
  private static final System.Logger LOG = System.getLogger(Acceptor.class.getName());

  /** Accepts per readiness event, so a connection storm cannot starve established clients. */
  private static final int ACCEPTS_PER_EVENT = 64;

  /** How long to stop accepting after accept failed (typically out of file descriptors). */
  static final long BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

  private final SocketListener<S> listener;
  private final ConnectionGroup group;
  private final Application<F> app;

  /** Accept failures since the last success; one warning per spell, not one per retry. */
  private long failures;

  Acceptor(SocketListener<S> listener, ConnectionGroup group, Application<F> app) {
    this.listener = listener;
    this.group = group;
    this.app = app;
  }

  SocketListener<S> listener() {
    return listener;
  }

  /**
   * Accepts the connections waiting on a non-blocking listener (up to a batch) and registers each
   * with {@code loop}, on whose thread this runs.
   *
   * @return how many were accepted, or -1 if accept failed and the caller should back off for
   *     {@link #BACKOFF_NANOS} (the failure, usually EMFILE, would otherwise repeat at once)
   */
  int acceptAvailable(EventLoop loop) {
    int accepted = 0;
    while (accepted < ACCEPTS_PER_EVENT) {
      S channel;
      try {
        channel = listener.accept();
      } catch (ClosedChannelException e) {
        return accepted; // shutting down
      } catch (IOException e) {
        failed(e);
        return -1;
      }
      if (channel == null) {
        return accepted;
      }
      recovered();
      accepted++;
      NioConnection<F> connection = admit(channel, loop);
      if (connection != null) {
        loop.register(connection);
      }
    }
    return accepted;
  }

  /**
   * Blocks in accept until the listener is closed, handing connections to {@code loops} in turn
   * (round robin). Runs on the acceptor thread.
   */
  void acceptLoop(List<? extends EventLoop> loops) {
    int next = 0;
    while (listener.isOpen()) {
      S channel;
      try {
        channel = listener.accept();
      } catch (ClosedChannelException e) {
        return; // shutdown (AsynchronousCloseException included)
      } catch (IOException e) {
        failed(e);
        backOff();
        continue;
      }
      recovered();
      EventLoop loop = loops.get(next);
      next = (next + 1) % loops.size();
      NioConnection<F> connection = admit(channel, loop);
      if (connection != null) {
        loop.execute(() -> loop.register(connection));
      }
    }
  }

  /** Admits and sets up one accepted channel for {@code loop}; null if refused or failed. */
  private NioConnection<F> admit(S channel, EventLoop loop) {
    if (!group.tryAdmit()) {
      group.refuse(channel);
      return null;
    }
    try {
      listener.configure(channel);
      NioConnection<F> connection =
          new NioConnection<>(
              group,
              app,
              channel,
              listener.remoteAddress(channel),
              listener.localAddress(channel),
              loop);
      group.register(connection);
      return connection;
    } catch (IOException | RuntimeException e) {
      group.release();
      try {
        channel.close();
      } catch (IOException ignored) {
        // nothing more to do
      }
      LOG.log(System.Logger.Level.WARNING, "could not serve a connection: {0}", e.toString());
      return null;
    }
  }

  private void failed(IOException e) {
    if (failures++ == 0) {
      LOG.log(
          System.Logger.Level.WARNING,
          "accept failed, retrying every {0} ms until it works: {1}",
          TimeUnit.NANOSECONDS.toMillis(BACKOFF_NANOS),
          e.toString());
    }
  }

  private void recovered() {
    if (failures > 0) {
      LOG.log(System.Logger.Level.INFO, "accept works again after {0} failed attempts", failures);
      failures = 0;
    }
  }

  private static void backOff() {
    try {
      TimeUnit.NANOSECONDS.sleep(BACKOFF_NANOS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
