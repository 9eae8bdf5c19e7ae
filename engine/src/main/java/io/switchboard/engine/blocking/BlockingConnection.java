package io.switchboard.engine.blocking;

import io.switchboard.engine.Application;
import io.switchboard.engine.spi.AbstractConnection;
import io.switchboard.engine.spi.ConnectionGroup;
import io.switchboard.engine.spi.Quietly;
import io.switchboard.engine.spi.SerialContext;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A connection served with blocking IO: a reader that blocks in {@code read()} and runs the
 * handler, and a writer that blocks in {@code write()}.
 *
 * <p>Who writes: a send made by the reader itself while it runs the handler (an echo reply) is
 * written by the reader once the frames of that read are handled, with no thread hand-off; a send
 * from any other thread (a chat broadcast) wakes this connection's own writer thread, started on
 * first use. Either way no thread ever blocks on another connection's socket. If the peer stops
 * reading, the reader blocks in its write, so it stops reading too: TCP pushes back on the peer.
 *
 * <p>Thread contract: {@link #readLoop()} runs on the model's reader thread; the writer runs on a
 * thread from {@link BlockingEngine#startWriter}; everything else as {@link AbstractConnection}.
 */
final class BlockingConnection<F> extends AbstractConnection<F> {
  private final SocketChannel channel;
  private final BlockingEngine engine;
  private final SerialContext context = new SerialContext();
  private final Semaphore flushes = new Semaphore(0);
  private final CountDownLatch closed = new CountDownLatch(1);
  private volatile Thread reader;

  /** Pauses so far; the reader hands out kept frames once for each pause it has not seen end. */
  private final AtomicInteger pauses = new AtomicInteger();

  private int pausesSeen; // reader only
  private Thread writer; // guarded by this

  /** Set by the reader's own sends while it runs the handler: it flushes after the read. */
  private boolean readerFlushes;

  BlockingConnection(
      ConnectionGroup group, Application<F> app, SocketChannel channel, BlockingEngine engine)
      throws IOException {
    super(group, app, channel.getRemoteAddress(), channel.getLocalAddress());
    this.channel = channel;
    this.engine = engine;
  }

  /** Serves the connection until it closes or stops reading; runs on the model's reader thread. */
  void readLoop() {
    reader = Thread.currentThread();
    try {
      ByteBuffer buffer = ByteBuffer.allocate(engine.readBufferSize());
      context.runNow(this::onOpened);
      flushIfClaimed();
      while (isOpen()) {
        if (isReadingPaused()) {
          LockSupport.park(this); // resumeReading() and closeChannel() unpark
          continue;
        }
        int paused = pauses.get();
        if (paused != pausesSeen) {
          // Reading was paused since this thread last looked and is on again: the frames the
          // decoder kept meanwhile go first. The resume may have come before this thread ever saw
          // the pause (a callback that ran right after the one that paused), so it is the count
          // that says so, not having parked.
          pausesSeen = paused;
          context.runNow(this::onResume);
          flushIfClaimed();
          continue;
        }
        buffer.clear();
        if (channel.read(buffer) < 0) {
          context.runNow(this::onEndOfInput);
          flushIfClaimed();
          continue; // closing now, or paused before the last frames: read the end again later
        }
        buffer.flip();
        context.runNow(() -> onRead(buffer));
        flushIfClaimed();
      }
    } catch (IOException e) {
      abort(isClosed() ? null : e); // after our own close, the exception is only the echo of it
    } finally {
      reader = null;
    }
  }

  /** Blocks until the connection is fully closed (for the one-client-at-a-time model). */
  void awaitClosed() throws InterruptedException {
    closed.await();
  }

  private void flushIfClaimed() throws IOException {
    if (readerFlushes) {
      readerFlushes = false;
      drainFully();
    }
  }

  /**
   * Writes until the queue is empty. A blocking channel may still write only part of a gathering
   * write (on a virtual thread the socket is non-blocking underneath, and the JDK returns a partial
   * count); calling again blocks until there is room, so this loop waits rather than spins.
   */
  private void drainFully() throws IOException {
    while (!drainTo(channel)) {
      // the channel took part of it: write the rest
    }
  }

  @Override
  protected void flushRequested() {
    if (Thread.currentThread() == reader) {
      readerFlushes = true;
      return;
    }
    synchronized (this) {
      if (writer == null) {
        writer = engine.startWriter(this::writeLoop, "writer-" + id());
      }
    }
    flushes.release();
  }

  private void writeLoop() {
    try {
      while (true) {
        flushes.acquire();
        if (isClosed()) {
          return;
        }
        drainFully();
      }
    } catch (IOException e) {
      abort(e);
    } catch (InterruptedException e) {
      abort(e);
    }
  }

  @Override
  protected void readingChanged(boolean paused) {
    if (paused) {
      pauses.incrementAndGet();
      return;
    }
    Thread thread = reader;
    if (thread != null) {
      LockSupport.unpark(thread);
    }
  }

  @Override
  protected void closeChannel() {
    Quietly.close(channel); // a reader or writer blocked on the channel returns with an exception
    flushes.release();
    Thread thread = reader;
    if (thread != null) {
      LockSupport.unpark(thread);
    }
    closed.countDown();
  }

  @Override
  protected void runInContext(Runnable task) {
    context.execute(task);
  }
}
