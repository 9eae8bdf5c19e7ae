package io.switchboard.engine.aio;

import io.switchboard.engine.Application;
import io.switchboard.engine.Connection;
import io.switchboard.engine.spi.AbstractConnection;
import io.switchboard.engine.spi.ConnectionGroup;
import io.switchboard.engine.spi.FileChunks;
import io.switchboard.engine.spi.OutboundQueue;
import io.switchboard.engine.spi.Quietly;
import io.switchboard.engine.spi.SerialContext;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.CompletionHandler;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A connection served by NIO.2 completion handlers: at most one read and one write in flight.
 *
 * <p>Reading: a read is always outstanding unless the handler paused reading (then none is issued,
 * so TCP pushes back on the peer) or the connection is closing. The kernel holds no buffer of ours,
 * but the JDK does: an outstanding read owns {@link #READ_BUFFER_SIZE} bytes of heap for as long as
 * the connection is idle, which is why that buffer is small.
 *
 * <p>Writing: whoever claims the outbound queue's flush (any thread) copies the bytes queued so far
 * (up to {@link OutboundQueue#COPY_BYTES}) into a buffer made for that write and issues it; its
 * completion reports what was written and issues the next, until the queue is empty. Files have no
 * {@code transferTo} here: they are read chunk by chunk into a buffer that exists only while a file
 * is being sent.
 *
 * <p>Thread contract: completion handlers run on the engine's channel group threads. Read
 * completions of one connection never overlap (one read in flight) and run the handler inside a
 * {@link SerialContext}; callbacks raised by other threads (writability, close) enter the same
 * context, so the handler is never run by two threads at once. Write completions touch only the
 * outbound queue, of which the write path is the single consumer.
 */
final class AioConnection<F> extends AbstractConnection<F> {
  /** Per-connection read buffer; an idle connection holds it for its outstanding read. */
  static final int READ_BUFFER_SIZE = 2048;

  /**
   * File chunks are read into a buffer this large while a file is being sent: one TCP segment per
   * write (see {@link Connection#FILE_WRITE_BYTES}).
   */
  private static final int FILE_CHUNK_SIZE = Connection.FILE_WRITE_BYTES;

  private final AsynchronousSocketChannel channel;
  private final SerialContext context = new SerialContext();
  private final ByteBuffer readBuffer = ByteBuffer.allocate(READ_BUFFER_SIZE);
  private final AtomicBoolean readInFlight = new AtomicBoolean();
  private final Runnable decodeRead = this::decodeRead;
  private final Runnable endOfInput = this::onEndOfInput;
  private final Runnable resume = this::resumeInContext;

  // Write path only (the flush claimer, one at a time):
  /** The write in flight: one buffer, in the array the channel's gathering write takes. */
  private final ByteBuffer[] writing = new ByteBuffer[1];

  private ByteBuffer fileChunk;

  AioConnection(
      ConnectionGroup group,
      Application<F> app,
      AsynchronousSocketChannel channel,
      SocketAddress remoteAddress,
      SocketAddress localAddress) {
    super(group, app, remoteAddress, localAddress);
    this.channel = channel;
  }

  /** Tells the handler the connection is open and issues the first read. Any thread. */
  void start() {
    context.runNow(this::onOpened);
    startRead();
  }

  // ---- Reading -------------------------------------------------------------------------------

  /** Issues a read unless one is in flight or the handler does not want one. Any thread. */
  private void startRead() {
    if (!wantsToRead() || !readInFlight.compareAndSet(false, true)) {
      return;
    }
    try {
      channel.read(readBuffer, this, READ_DONE);
    } catch (RuntimeException e) { // ShutdownChannelGroupException at shutdown
      readInFlight.set(false);
      abort(e);
    }
  }

  private void readCompleted(int count) {
    if (count < 0) {
      context.runNow(endOfInput);
      readInFlight.set(false);
      startRead(); // if the handler paused before the last frames: once resumed, the end again
      return;
    }
    readBuffer.flip();
    context.runNow(decodeRead);
    readBuffer.clear();
    readInFlight.set(false);
    // Also when the decode paused: a resume that raced with this read could not issue the next
    // one while this was in flight, so look again now that it is done.
    startRead();
  }

  private void decodeRead() {
    onRead(readBuffer); // whether to read on is decided after the context is left (startRead)
  }

  private void resumeInContext() {
    if (onResume()) {
      startRead();
    }
  }

  private static final CompletionHandler<Integer, AioConnection<?>> READ_DONE =
      new CompletionHandler<>() {
        @Override
        public void completed(Integer count, AioConnection<?> connection) {
          connection.readCompleted(count);
        }

        @Override
        public void failed(Throwable error, AioConnection<?> connection) {
          connection.readInFlight.set(false);
          connection.abort(connection.isClosed() ? null : error);
        }
      };

  @Override
  protected void readingChanged(boolean paused) {
    if (!paused) {
      context.execute(resume); // frames kept while paused go first, then the next read
    }
    // Pausing needs nothing: the read in flight completes, and the next is not issued.
  }

  // ---- Writing -------------------------------------------------------------------------------

  @Override
  protected void flushRequested() {
    writeNext();
  }

  /** Issues the next write of queued output, or releases the flush if there is none. */
  private void writeNext() {
    try {
      while (!isClosed()) {
        if (fileChunk != null && fileChunk.hasRemaining()) {
          write(fileChunk); // the rest of a chunk the socket took only part of
          return;
        }
        OutboundQueue.FileSlice file = outbound.headFile();
        if (file != null) {
          write(readChunk(file));
          return;
        }
        if (!outbound.isEmpty()) {
          ByteBuffer bytes = ByteBuffer.allocate(outbound.headBytes(OutboundQueue.COPY_BYTES));
          outbound.copyTo(bytes);
          write(bytes.flip());
          return;
        }
        fileChunk = null; // a file's buffer lives only while a file is sent
        if (!queueDrained()) {
          return;
        }
      }
    } catch (IOException | RuntimeException e) {
      abort(e);
    }
  }

  private void write(ByteBuffer buffer) {
    writing[0] = buffer;
    channel.write(writing, 0, 1, 0, TimeUnit.MILLISECONDS, this, WRITE_DONE);
  }

  private ByteBuffer readChunk(OutboundQueue.FileSlice file) throws IOException {
    if (fileChunk == null) {
      fileChunk = ByteBuffer.allocate(FILE_CHUNK_SIZE);
    }
    return FileChunks.read(file.file(), file.position(), file.count(), fileChunk);
  }

  private void writeCompleted(long count) {
    writing[0] = null;
    outbound.written(count);
    touch();
    writeNext();
  }

  private static final CompletionHandler<Long, AioConnection<?>> WRITE_DONE =
      new CompletionHandler<>() {
        @Override
        public void completed(Long count, AioConnection<?> connection) {
          connection.writeCompleted(count);
        }

        @Override
        public void failed(Throwable error, AioConnection<?> connection) {
          connection.abort(connection.isClosed() ? null : error);
        }
      };

  // ---- Closing and context -------------------------------------------------------------------

  @Override
  protected void closeChannel() {
    Quietly.close(channel); // reads and writes in flight fail with AsynchronousCloseException
  }

  @Override
  protected void runInContext(Runnable task) {
    context.execute(task);
  }
}
