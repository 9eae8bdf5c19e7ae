package io.switchboard.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * One client connection of the {@link LoadGenerator}, with line framing: subclasses say what to do
 * when it connects and when a line arrives.
 *
 * <p>Thread contract: after {@link LoadGenerator#connect} every callback ({@link #connected},
 * {@link #line}, {@link #tick}, {@link #closed}) runs on the connection's loop thread, and {@link
 * #send}, {@link #close} and {@link #startTicking} must be called there too (from another thread,
 * go through {@link #execute}). One thread owns all of a connection's state, so none of it needs a
 * lock.
 */
public abstract class LoadConnection {
  /** A line longer than this is a protocol error of the server under test. */
  static final int MAX_LINE = 64 * 1024;

  ClientLoop loop;
  SocketChannel channel;
  SelectionKey key;

  /** Bytes of an unfinished line from the previous read, or {@code null}. */
  private byte[] partial;

  private int partialLength;

  /** Output the socket has not taken yet, in write mode; {@code null} while nothing waits. */
  private ByteBuffer unwritten;

  private boolean closed;

  /** The TCP connection is established. */
  protected void connected() {}

  /**
   * One line arrived, without its terminator (LF or CRLF).
   *
   * @param bytes holds the line at {@code [start, start + length)}; valid only during this call
   * @param nowNanos {@link System#nanoTime()} when the read that brought it returned
   */
  protected abstract void line(byte[] bytes, int start, int length, long nowNanos);

  /** Called about once a millisecond after {@link #startTicking()}, for paced senders. */
  protected void tick(long nowNanos) {}

  /**
   * The connection ended: {@code cause} is {@code null} after {@link #close()} or the server's
   * orderly close, else the error (a failed connect included).
   */
  protected void closed(IOException cause) {}

  /** Queues {@code bytes} (not changed afterwards by this connection) and writes what it can. */
  protected final void send(ByteBuffer bytes) {
    if (closed) {
      return;
    }
    if (unwritten != null) {
      append(bytes);
      return;
    }
    try {
      channel.write(bytes);
    } catch (IOException e) {
      fail(e);
      return;
    }
    if (bytes.hasRemaining()) {
      append(bytes);
      key.interestOps(key.interestOps() | SelectionKey.OP_WRITE);
    }
  }

  /** Bytes sent but not yet taken by the socket: a server that stopped reading leaves them here. */
  protected final int unwrittenBytes() {
    return unwritten == null ? 0 : unwritten.position();
  }

  /** Closes the socket (orderly: this side ends up in TIME_WAIT) and calls {@link #closed}. */
  protected final void close() {
    finish(null);
  }

  protected final void startTicking() {
    loop.startTicking(this);
  }

  /** Runs {@code task} on this connection's loop thread. */
  public final void execute(Runnable task) {
    loop.execute(task);
  }

  private void append(ByteBuffer bytes) {
    if (unwritten == null) {
      unwritten = ByteBuffer.allocate(Math.max(4096, bytes.remaining()));
    } else if (unwritten.remaining() < bytes.remaining()) {
      ByteBuffer bigger =
          ByteBuffer.allocate(
              Math.max(unwritten.capacity() * 2, unwritten.position() + bytes.remaining()));
      unwritten.flip();
      bigger.put(unwritten);
      unwritten = bigger;
    }
    unwritten.put(bytes);
  }

  // ---- called by ClientLoop ----

  final void writable() {
    unwritten.flip();
    try {
      channel.write(unwritten);
    } catch (IOException e) {
      fail(e);
      return;
    }
    if (unwritten.hasRemaining()) {
      unwritten.compact();
    } else {
      unwritten = null;
      key.interestOps(key.interestOps() & ~SelectionKey.OP_WRITE);
    }
  }

  final void finishConnect() {
    try {
      channel.finishConnect();
    } catch (IOException e) {
      fail(e);
      return;
    }
    key.interestOps(SelectionKey.OP_READ);
    connected();
  }

  /** Reads once into the loop's buffer and hands out every complete line. */
  @SuppressWarnings("ByteBufferBackingArray") // the loop's buffer: ByteBuffer.allocate, offset 0
  final void readable(ByteBuffer buffer) {
    buffer.clear();
    if (partialLength > 0) {
      buffer.put(partial, 0, partialLength);
    }
    int read;
    try {
      read = channel.read(buffer);
    } catch (IOException e) {
      fail(e);
      return;
    }
    if (read < 0) {
      finish(null);
      return;
    }
    long now = System.nanoTime();
    byte[] bytes = buffer.array();
    int end = buffer.position();
    keepPartial(bytes, received(bytes, partialLength, end, now), end);
  }

  /**
   * Takes what arrived: {@code bytes[0, end)}, of which {@code [0, from)} is what the last call
   * left unused. Returns how many bytes from the start it used; the rest is kept for the next read
   * (at most {@link #MAX_LINE}). The default frames lines and hands each to {@link #line}; a
   * protocol with other framing (HTTP bodies) overrides this.
   */
  protected int received(byte[] bytes, int from, int end, long nowNanos) {
    int start = 0;
    for (int i = from; i < end && !closed; i++) {
      if (bytes[i] == '\n') {
        int length = i - start;
        if (length > 0 && bytes[i - 1] == '\r') {
          length--;
        }
        line(bytes, start, length, nowNanos);
        start = i + 1;
      }
    }
    return start;
  }

  private void keepPartial(byte[] bytes, int start, int end) {
    partialLength = end - start;
    if (partialLength == 0 || closed) {
      partialLength = 0;
      return;
    }
    if (partialLength > MAX_LINE) {
      fail(new IOException("line longer than " + MAX_LINE + " bytes from the server"));
      return;
    }
    if (partial == null || partial.length < partialLength) {
      partial = new byte[Math.max(256, partialLength)];
    }
    System.arraycopy(bytes, start, partial, 0, partialLength);
  }

  final void fail(IOException cause) {
    finish(cause);
  }

  private void finish(IOException cause) {
    if (closed) {
      return;
    }
    closed = true;
    if (key != null) {
      key.cancel();
    }
    loop.stopTicking(this);
    try {
      channel.close();
    } catch (IOException e) {
      // closing a socket we are done with: nothing left to do about it
    }
    closed(cause);
  }

  final boolean isClosed() {
    return closed;
  }
}
