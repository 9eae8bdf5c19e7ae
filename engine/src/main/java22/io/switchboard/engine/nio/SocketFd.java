package io.switchboard.engine.nio;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.GatheringByteChannel;

/**
 * A connected, non-blocking TCP socket of the epoll model, as the channel a {@link NioConnection}
 * reads from and writes to: {@code recv} and {@code send} on its descriptor, with no lock, no state
 * object and no copy of a heap buffer (see {@link LinuxCalls}).
 *
 * <p>A gathering write copies the buffers into the calling thread's scratch array and sends that
 * once: {@code writev} would need each buffer's address in native memory, which a heap buffer has
 * not. (The JDK copies heap buffers into direct ones for the same reason.) A file range reaches it
 * through {@link java.nio.channels.FileChannel#transferTo}'s generic path, in pieces read into a
 * buffer: {@code sendfile} needs the file's descriptor, which a {@code FileChannel} does not give
 * out.
 *
 * <p>Thread contract: one thread at a time, the one whose {@link LinuxCalls} it was last given (the
 * acceptor, then its loop; see {@link #callFrom}). {@link #isOpen} from any thread.
 */
final class SocketFd implements ByteChannel, GatheringByteChannel {
  /** Bytes a gathering write sends at once at most; a bigger first buffer goes out by itself. */
  static final int GATHER_BYTES = 64 * 1024;

  private final int fd;
  private LinuxCalls calls;
  private volatile boolean open = true;

  SocketFd(int fd, LinuxCalls calls) {
    this.fd = fd;
    this.calls = calls;
  }

  int fd() {
    return fd;
  }

  /** From now on the calls are made by the thread that owns {@code threadCalls}. */
  void callFrom(LinuxCalls threadCalls) {
    this.calls = threadCalls;
  }

  @Override
  public int read(ByteBuffer into) throws IOException {
    ensureOpen();
    long result = calls.recv(fd, MemorySegment.ofBuffer(into));
    if (result == 0 && into.hasRemaining()) {
      return -1; // end of stream
    }
    return (int) advance(into, result, "recv");
  }

  @Override
  public int write(ByteBuffer from) throws IOException {
    ensureOpen();
    return (int) advance(from, calls.send(fd, MemorySegment.ofBuffer(from)), "send");
  }

  @Override
  public long write(ByteBuffer[] from, int offset, int length) throws IOException {
    if (length == 1 || from[offset].remaining() >= GATHER_BYTES) {
      return write(from[offset]);
    }
    ensureOpen();
    byte[] scratch = calls.gatherScratch();
    int filled = 0;
    for (int i = offset; i < offset + length && filled < scratch.length; i++) {
      ByteBuffer buffer = from[i];
      int take = Math.min(buffer.remaining(), scratch.length - filled);
      buffer.get(buffer.position(), scratch, filled, take);
      filled += take;
    }
    long sent = calls.send(fd, MemorySegment.ofArray(scratch).asSlice(0, filled));
    if (sent < 0) {
      return advance(null, sent, "send");
    }
    long left = sent;
    for (int i = offset; left > 0; i++) {
      ByteBuffer buffer = from[i];
      int step = (int) Math.min(left, buffer.remaining());
      buffer.position(buffer.position() + step);
      left -= step;
    }
    return sent;
  }

  @Override
  public long write(ByteBuffer[] from) throws IOException {
    return write(from, 0, from.length);
  }

  /**
   * Moves {@code buffer} past the {@code result} bytes a call moved, or turns {@code -errno} into
   * what a non-blocking channel says: 0 when the socket has no room or no data, else an exception.
   */
  private static long advance(ByteBuffer buffer, long result, String call) throws IOException {
    if (result >= 0) {
      buffer.position(buffer.position() + (int) result);
      return result;
    }
    if (result == -LinuxCalls.EAGAIN || result == -LinuxCalls.EINTR) {
      return 0;
    }
    throw LinuxCalls.error(call, result);
  }

  private void ensureOpen() throws ClosedChannelException {
    if (!open) {
      throw new ClosedChannelException();
    }
  }

  @Override
  public boolean isOpen() {
    return open;
  }

  /** Closes the descriptor, once. Only the thread that makes its calls may. */
  @Override
  public void close() {
    if (open) {
      open = false;
      LinuxCalls.close(fd);
    }
  }

  @Override
  public String toString() {
    return "socket " + fd;
  }
}
