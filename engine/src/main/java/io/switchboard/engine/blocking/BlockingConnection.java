package io.switchboard.engine.blocking;

import io.switchboard.engine.Application;
import io.switchboard.engine.Connection;
import io.switchboard.engine.spi.AbstractConnection;
import io.switchboard.engine.spi.ConnectionGroup;
import io.switchboard.engine.spi.FileChunks;
import io.switchboard.engine.spi.OutboundQueue;
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
  private boolean writerStarted; // guarded by this

  /** Set by the reader's own sends while it runs the handler: it flushes after the read. */
  private boolean readerFlushes;

  /** Written to switch a virtual thread's socket to non-blocking: empty, so safe to share. */
  private static final ByteBuffer NOTHING = ByteBuffer.allocate(0);

  /** A file waiting on a full socket goes through this much of a buffer at a time. */
  private static final int FILE_CHUNK_SIZE = Connection.FILE_WRITE_BYTES;

  /** A drain's buffer holds at least this much, for bytes queued behind a file or meanwhile. */
  private static final int MIN_DRAIN_BUFFER = 512;

  private ByteBuffer fileChunk; // the consumer's: whoever holds the flush

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
      if (reader.isVirtual()) {
        // A virtual thread's channel makes its socket non-blocking underneath on its first read or
        // write, so that the thread parks instead of blocking its carrier. transferTo does not:
        // before that first call it would block the carrier in sendfile while the socket is full
        // (a few such downloads and no carrier is left for anyone). An empty write makes the
        // switch now, before the handler can queue a file; transferTo then returns 0 on a full
        // socket, and drainFully waits in a write instead.
        channel.write(NOTHING);
      }
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
   * Writes until the queue is empty. A blocking channel may still write only part of a write (on a
   * virtual thread the socket is non-blocking underneath, and the JDK returns a partial count);
   * calling again blocks until there is room, so this loop waits rather than spins. A file's {@code
   * transferTo} does not wait there: it returns 0 while the socket is full. Then the next piece of
   * the file goes through a buffer, whose write parks until there is room, and {@code transferTo}
   * takes over again.
   */
  private void drainFully() throws IOException {
    // A buffer for this drain only: a connection's thread keeps none while it has nothing to send.
    ByteBuffer buffer =
        ByteBuffer.allocate(
            Math.max(MIN_DRAIN_BUFFER, outbound.headBytes(OutboundQueue.COPY_BYTES)));
    while (true) {
      long before = outbound.totalWritten();
      if (drainTo(channel, buffer)) {
        fileChunk = null; // kept only while a file waits on a full socket
        return;
      }
      if (outbound.totalWritten() == before) {
        writeFileChunk();
      }
    }
  }

  /** Writes the start of the file range at the head of the queue through a buffer. */
  private void writeFileChunk() throws IOException {
    OutboundQueue.FileSlice file = outbound.headFile();
    if (file == null) {
      return; // not a file: the next write blocks as it should
    }
    if (fileChunk == null) {
      fileChunk = ByteBuffer.allocate(FILE_CHUNK_SIZE);
    }
    int length =
        FileChunks.writeThrough(file.file(), file.position(), file.count(), channel, fileChunk);
    outbound.written(length);
    touch();
  }

  @Override
  protected void flushRequested() {
    if (Thread.currentThread() == reader) {
      readerFlushes = true;
      return;
    }
    synchronized (this) {
      if (!writerStarted) {
        writerStarted = true;
        engine.startWriter(this::writeLoop, "writer-" + id());
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
