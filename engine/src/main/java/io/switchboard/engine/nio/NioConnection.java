package io.switchboard.engine.nio;

import io.switchboard.engine.Application;
import io.switchboard.engine.spi.AbstractConnection;
import io.switchboard.engine.spi.ConnectionGroup;
import io.switchboard.engine.spi.Quietly;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * A non-blocking connection owned by one {@link EventLoop}, which is its handler context: the loop
 * does its reads and writes and runs its handler. Other threads only queue work for the loop.
 *
 * <p>Who writes: a send made on the loop thread (an echo reply, a broadcast to a neighbour on the
 * same loop) marks the connection, and the loop writes once after the current read batch, so a
 * burst of replies costs one write. A send from another thread queues this connection's flush task
 * on the loop. When the socket is full the connection is "write stalled" until the loop sees it
 * writable again (OP_WRITE, or the next pass of the polling loop).
 *
 * <p>Thread contract: as {@link AbstractConnection}; the package-private methods and fields are for
 * the owning loop's thread only. Idle connections stay small: no buffers of their own, three
 * reusable task objects.
 */
final class NioConnection<F> extends AbstractConnection<F> {
  final SocketChannel channel;
  private final EventLoop loop;
  private final Runnable flushTask = this::flush;
  private final Runnable readingTask = this::applyReading;
  private final Runnable closeTask = this::closeNow;

  // Loop thread only:
  /** The selector registration, or null on a loop without a selector. */
  SelectionKey key;

  /** The loop reads this connection when readable (OP_READ registered). */
  boolean readsEnabled = true;

  /** The socket took not all output; the loop retries once it is writable (OP_WRITE). */
  boolean writeStalled;

  NioConnection(ConnectionGroup group, Application<F> app, SocketChannel channel, EventLoop loop)
      throws IOException {
    super(group, app, channel.getRemoteAddress());
    this.channel = channel;
    this.loop = loop;
  }

  EventLoop loop() {
    return loop;
  }

  // ---- For the loop ----------------------------------------------------------------------------

  void opened() {
    onOpened();
  }

  boolean received(ByteBuffer bytes) {
    return onRead(bytes);
  }

  void endOfInput() {
    onEndOfInput();
  }

  /** Writes queued output until done or the socket is full. */
  void flush() {
    if (isClosed()) {
      return;
    }
    try {
      boolean done = drainTo(channel);
      loop.setWriteStalled(this, !done && !isClosed());
    } catch (IOException e) {
      abort(e);
    }
  }

  /**
   * Brings read interest in line with the handler's wish. On resume, frames the decoder kept while
   * paused are handed out first; this runs even if reads still look enabled, because a pause and
   * resume from another thread can both land between two reads.
   */
  private void applyReading() {
    if (isClosed()) {
      return;
    }
    boolean want = wantsToRead();
    if (want) {
      want = onResume();
    }
    loop.setReads(this, want);
  }

  private void closeNow() {
    SelectionKey registration = key;
    if (registration != null) {
      registration.cancel();
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
    loop.submit(readingTask);
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
      loop.execute(closeTask);
    }
  }

  @Override
  protected void runInContext(Runnable task) {
    loop.submit(task);
  }
}
