package io.switchboard.engine.nio;

import io.switchboard.engine.Application;
import io.switchboard.engine.spi.AbstractConnection;
import io.switchboard.engine.spi.ConnectionGroup;
import io.switchboard.engine.spi.Quietly;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.Channel;

/**
 * A non-blocking connection owned by one {@link EventLoop}, which is its handler context: the loop
 * waits for its socket and runs its handler. Other threads only queue work for the loop.
 *
 * <p>Who writes: a send made on the loop thread (an echo reply, a broadcast to a neighbour on the
 * same loop) marks the connection, and the loop writes once after the current read batch, so a
 * burst of replies costs one write. A send from another thread queues this connection's flush task
 * on the loop. When the socket is full the connection is "write stalled" and asks its loop to wake
 * it once the socket is writable again.
 *
 * <p>What it asks of the loop goes through its {@link Readiness}; what the loop asks of it is three
 * calls: {@link #registered}, {@link #readReady} and {@link #writeReady}. Whether it wants input
 * and whether its output is stalled are its own state.
 *
 * <p>Thread contract: as {@link AbstractConnection}; the package-private methods are for the owning
 * loop's thread only. Idle connections stay small: no buffers of their own, one reusable task (the
 * flush, the frequent one; the rare ones are made when needed).
 */
final class NioConnection<F> extends AbstractConnection<F> {
  /** Reads per readiness event, so one fast sender cannot starve the loop's other connections. */
  private static final int READS_PER_EVENT = 16;

  /** The socket: a {@code SocketChannel}, or the epoll model's own. */
  private final ByteChannel channel;

  private final EventLoop loop;
  private final Runnable flushTask = this::writeReady;

  // Loop thread only:
  /** How this connection tells its loop what to wait for; null until registered. */
  private Readiness readiness;

  /** The handler wants input (the loop reads when the socket is readable). */
  private boolean readsEnabled = true;

  /** The socket took not all output; the loop wakes this connection once it is writable. */
  private boolean writeStalled;

  NioConnection(
      ConnectionGroup group,
      Application<F> app,
      ByteChannel channel,
      SocketAddress remoteAddress,
      SocketAddress localAddress,
      EventLoop loop) {
    super(group, app, remoteAddress, localAddress);
    this.channel = channel;
    this.loop = loop;
  }

  /** The socket, for the loop to register. */
  Channel channel() {
    return channel;
  }

  // ---- What the loop asks of it (loop thread) ------------------------------------------------

  /** The loop has taken this connection; it waits for input from now on. */
  void registered(Readiness registration) {
    readiness = registration;
    onOpened();
    loop.runDeferred();
  }

  /**
   * The socket is readable: reads what it holds (a few buffers at most, into the loop's {@code
   * buffer}) and hands it to the decoder and handler.
   *
   * @return true if anything arrived (bytes or end of stream)
   */
  boolean readReady(ByteBuffer buffer) {
    boolean arrived = false;
    try {
      for (int i = 0; i < READS_PER_EVENT && readsEnabled && !isClosed(); i++) {
        buffer.clear();
        int count = channel.read(buffer);
        if (count < 0) {
          setReads(false); // at end of stream the socket stays readable forever
          onEndOfInput();
          loop.runDeferred();
          return true;
        }
        if (count == 0) {
          return arrived;
        }
        arrived = true;
        buffer.flip();
        boolean more = onRead(buffer);
        loop.runDeferred();
        if (!more) {
          setReads(false);
        }
        if (count < buffer.capacity()) {
          return arrived; // the socket is drained; another read would only return 0
        }
      }
      if (readsEnabled && !isClosed()) {
        readiness.inputLeft(); // this event's share is read, the socket may hold more
      }
    } catch (IOException e) {
      abort(e);
      loop.runDeferred();
    }
    return arrived;
  }

  /** The socket is writable (or output is waiting): writes until done or the socket is full. */
  void writeReady() {
    if (isClosed()) {
      return;
    }
    try {
      boolean done = drainTo(channel, loop.writeBuffer());
      setWriteStalled(!done && !isClosed());
    } catch (IOException e) {
      abort(e);
    }
  }

  /** True while the socket is full and output waits for it. */
  boolean isWriteStalled() {
    return writeStalled;
  }

  private void setReads(boolean on) {
    if (readsEnabled != on) {
      readsEnabled = on;
      readiness.interest(readsEnabled, writeStalled);
    }
  }

  private void setWriteStalled(boolean stalled) {
    if (writeStalled != stalled) {
      writeStalled = stalled;
      readiness.interest(readsEnabled, writeStalled);
    }
  }

  /**
   * Brings read interest in line with the handler's wish. On resume, frames the decoder kept while
   * paused are handed out first; this runs even if reads still look enabled, because a pause and
   * resume from another thread can both land between two reads.
   */
  private void applyReading() {
    if (isClosed() || readiness == null) {
      return;
    }
    boolean want = wantsToRead();
    if (want) {
      want = onResume();
    }
    setReads(want);
  }

  private void closeNow() {
    if (readiness != null) {
      readiness.cancel();
    }
    Quietly.close(channel);
  }

  // ---- AbstractConnection hooks (any thread) ------------------------------------------------

  @Override
  protected void flushRequested() {
    if (loop.inLoop()) {
      loop.markFlush(this);
    } else {
      loop.execute(flushTask);
    }
  }

  @Override
  protected void readingChanged(boolean paused) {
    loop.submit(this::applyReading); // rare: made when needed, not kept by every connection
  }

  /**
   * Closes on the loop: a channel registered with a selector releases its descriptor only when the
   * selector deregisters it, so closing from another thread would leave the peer waiting for its
   * FIN until the loop woke up anyway.
   */
  @Override
  protected void closeChannel() {
    if (loop.inLoop()) {
      closeNow();
    } else {
      loop.execute(this::closeNow);
    }
  }

  @Override
  protected void runInContext(Runnable task) {
    loop.submit(task);
  }
}
