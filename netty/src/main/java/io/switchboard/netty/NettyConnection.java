package io.switchboard.netty;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.DefaultFileRegion;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.switchboard.engine.Application;
import io.switchboard.engine.Connection;
import io.switchboard.engine.spi.AbstractConnection;
import io.switchboard.engine.spi.ConnectionGroup;
import io.switchboard.engine.spi.OutboundQueue;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.ArrayDeque;
import java.util.concurrent.RejectedExecutionException;

/**
 * One Netty channel driving the shared contract. Netty reads; our {@link AbstractConnection}
 * decodes, dispatches and queues output, so the state machine, the water marks and the hard cap are
 * the same code as every other model's.
 *
 * <p>Output stays in the contract's {@link OutboundQueue} until Netty reports it written: the
 * channel's event loop takes the queued buffers in one batch, copies them into one pooled direct
 * buffer (the copy Netty itself would make of heap buffers before a native write), and hands Netty
 * that one buffer; when its write completes the batch is marked written and the next batch goes. So
 * Netty's own unbounded outbound buffer never holds more than one batch, {@link #isWritable()} and
 * the hard cap count every byte not yet on the socket, and sends from any number of threads between
 * two batches cost one event-loop task, not one each. Files go as a {@link DefaultFileRegion}
 * (sendfile or splice) where the transport can, else chunk by chunk.
 *
 * <p>Thread contract: the handler context is the channel's event loop; every {@code on...} call,
 * every handler callback and every write happens there. Public methods as {@link
 * AbstractConnection}: any thread.
 */
final class NettyConnection<F> extends AbstractConnection<F> {
  /** A batch stops growing at this many bytes. */
  private static final int BATCH_BYTES = 256 * 1024;

  /** Files are copied in chunks this large where the transport cannot send them directly. */
  private static final int FILE_CHUNK_SIZE = Connection.FILE_WRITE_BYTES;

  private final Channel channel;
  private final EventLoop loop;
  private final boolean zeroCopyFiles;
  private final Inbound inbound = new Inbound();
  private final Runnable writeTask = this::writeNext;
  private final Runnable pauseTask = this::applyPause;
  private final Runnable resumeTask = this::applyResume;
  private final ChannelFutureListener writeDone = this::writeDone;

  // Event loop only:
  /** Reads that arrived while paused, decoded in order on resume; made on first use. */
  private ArrayDeque<ByteBuf> held;

  private boolean inRead;
  private boolean flushAfterRead;

  /** The peer's end of input arrived and is not yet handed to the decoder. */
  private boolean inputEnded;

  /** The peer's end of input arrived (Netty has shut our input down). */
  private boolean inputShutDown;

  private long inFlightBytes;

  NettyConnection(
      ConnectionGroup group, Application<F> app, Channel channel, boolean zeroCopyFiles) {
    super(group, app, channel.remoteAddress(), channel.localAddress());
    this.channel = channel;
    this.loop = channel.eventLoop();
    this.zeroCopyFiles = zeroCopyFiles;
  }

  /** The pipeline handler that feeds this connection; one per channel. */
  Inbound inbound() {
    return inbound;
  }

  final class Inbound extends ChannelInboundHandlerAdapter {
    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      onOpened();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
      ByteBuf bytes = (ByteBuf) message;
      if (isReadingPaused() || (held != null && !held.isEmpty())) {
        if (held == null) {
          held = new ArrayDeque<>(4);
        }
        held.add(bytes); // read before Netty saw the pause: keep it, in order
        return;
      }
      inRead = true;
      try {
        decode(bytes);
      } finally {
        bytes.release();
      }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      inRead = false;
      if (flushAfterRead) {
        flushAfterRead = false;
        writeNext(); // every reply to this read loop's frames in one batch
      }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
      if (event instanceof ChannelInputShutdownEvent) {
        inputEnded = true;
        inputShutDown = true;
        endInputIfDrained();
      }
      ctx.fireUserEventTriggered(event);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      releaseHeld();
      abort("closed by the peer", null); // unless we closed first: then our reason stands
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      abort(isClosed() ? null : cause);
    }
  }

  // ---- Reading (event loop) ------------------------------------------------------------------

  private void decode(ByteBuf bytes) {
    // Netty reads into one pooled direct buffer per read; its internal view costs no allocation.
    ByteBuffer in =
        bytes.nioBufferCount() == 1
            ? bytes.internalNioBuffer(bytes.readerIndex(), bytes.readableBytes())
            : bytes.nioBuffer();
    onRead(in);
  }

  @Override
  protected void readingChanged(boolean paused) {
    if (paused && loop.inEventLoop()) {
      applyPause(); // at once, so Netty's read loop stops after this read
    } else {
      execute(paused ? pauseTask : resumeTask);
    }
  }

  private void applyPause() {
    if (isReadingPaused()) {
      channel.config().setAutoRead(false);
    }
  }

  private void applyResume() {
    if (isReadingPaused() || isClosed()) {
      return; // paused again meanwhile
    }
    inRead = true; // replies to what is decoded here go out in one batch, as after a read
    try {
      onResume(); // frames the decoder kept when the pause came mid-read
      while (held != null && !held.isEmpty() && wantsToRead()) {
        ByteBuf bytes = held.poll();
        try {
          decode(bytes);
        } finally {
          bytes.release();
        }
      }
    } finally {
      inRead = false;
    }
    endInputIfDrained();
    if (!isReadingPaused() && !inputShutDown) {
      // Not after the end of input: there is nothing more to read, and epoll would fail the
      // read interest of a half-closed socket by closing the channel with our output unsent.
      channel.config().setAutoRead(true);
    }
    if (flushAfterRead) {
      flushAfterRead = false;
      writeNext();
    }
  }

  /** Ends the input once everything read before the end has been decoded. */
  private void endInputIfDrained() {
    if (inputEnded && (held == null || held.isEmpty()) && !isReadingPaused() && onEndOfInput()) {
      inputEnded = false; // else the handler paused before the last frames: again on resume
    }
  }

  private void releaseHeld() {
    if (held != null) {
      for (ByteBuf bytes; (bytes = held.poll()) != null; ) {
        bytes.release();
      }
    }
  }

  // ---- Writing (event loop, as the outbound queue's consumer) --------------------------------

  @Override
  protected void flushRequested() {
    if (!loop.inEventLoop()) {
      execute(writeTask);
    } else if (inRead) {
      flushAfterRead = true;
    } else {
      // On the loop but outside this channel's read: another channel's read sending to this one
      // (a chat broadcast). As a task it runs after the loop's current IO pass, so every send of
      // the pass to this channel goes out in one write, not one write each.
      execute(writeTask);
    }
  }

  /**
   * Hands Netty the next batch, or releases the flush when the queue is empty. A no-op while a
   * batch is in flight, since only the consumer gets here and it waits for {@link #writeDone}.
   */
  private void writeNext() {
    if (inFlightBytes > 0 || flushAfterRead) {
      return; // writeDone or channelReadComplete continues
    }
    try {
      while (!isClosed()) {
        OutboundQueue.FileSlice file = outbound.headFile();
        if (file != null) {
          writeFile(file);
          return;
        }
        if (!outbound.isEmpty()) {
          writeBatch();
          return;
        }
        if (!queueDrained()) {
          return;
        }
      }
    } catch (IOException | RuntimeException e) {
      abort(e);
    }
  }

  /** Copies the bytes at the head of the queue into one buffer of Netty's and sends it. */
  private void writeBatch() {
    int most = outbound.headBytes(BATCH_BYTES);
    ByteBuf batch = channel.alloc().directBuffer(most);
    int bytes = outbound.copyTo(batch.internalNioBuffer(0, most));
    batch.writerIndex(bytes); // written() drops the copied bytes once Netty has sent the batch
    send(batch, bytes);
  }

  private void writeFile(OutboundQueue.FileSlice file) throws IOException {
    if (zeroCopyFiles) {
      send(new BorrowedFileRegion(file.file(), file.position(), file.count()), file.count());
      return;
    }
    int length = (int) Math.min(FILE_CHUNK_SIZE, file.count());
    ByteBuf chunk = channel.alloc().directBuffer(length);
    try {
      while (chunk.readableBytes() < length) {
        int read =
            chunk.writeBytes(
                file.file(),
                file.position() + chunk.readableBytes(),
                length - chunk.readableBytes());
        if (read < 0) {
          throw new EOFException("file ended before the range sent from it");
        }
      }
    } catch (IOException e) {
      chunk.release();
      throw e;
    }
    send(chunk, length);
  }

  private void send(Object message, long bytes) {
    inFlightBytes = bytes;
    channel.writeAndFlush(message).addListener(writeDone);
  }

  private void writeDone(ChannelFuture future) {
    long bytes = inFlightBytes;
    inFlightBytes = 0;
    if (!future.isSuccess()) {
      abort(isClosed() ? null : future.cause());
      return;
    }
    outbound.written(bytes);
    touch();
    writeNext();
  }

  /** A file range Netty may send but must not close: the contract leaves that to the app. */
  private static final class BorrowedFileRegion extends DefaultFileRegion {
    BorrowedFileRegion(FileChannel file, long position, long count) {
      super(file, position, count);
    }

    @Override
    protected void deallocate() {
      // DefaultFileRegion would close the FileChannel here.
    }
  }

  // ---- Closing and context -------------------------------------------------------------------

  @Override
  protected void closeChannel() {
    var unused =
        channel.close(); // any thread; Netty fails the batch in flight, fires channelInactive
  }

  @Override
  protected void runInContext(Runnable task) {
    execute(task);
  }

  /** Runs {@code task} on the event loop after what is already queued there. */
  private void execute(Runnable task) {
    try {
      loop.execute(task);
    } catch (RejectedExecutionException e) {
      task.run(); // the loop has stopped: nothing else can run for this connection now
    }
  }
}
