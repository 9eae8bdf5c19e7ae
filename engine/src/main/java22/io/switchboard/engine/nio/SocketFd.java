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
    int read = (int) moved(result, 0, "recv");
    into.position(into.position() + read);
    return read;
  }

  @Override
  public int write(ByteBuffer from) throws IOException {
    ensureOpen();
    int sent = (int) moved(calls.send(fd, MemorySegment.ofBuffer(from)), 0, "send");
    from.position(from.position() + sent);
    return sent;
  }

  /**
   * Writes the buffers in order, as {@code writev} would: until all are written or the socket takes
   * less than it was given. The second is the only way to stop early: a caller takes a short write
   * for a full socket and waits to hear that it has room again, which edge-triggered epoll reports
   * only once the socket has been full.
   */
  @Override
  public long write(ByteBuffer[] from, int offset, int length) throws IOException {
    ensureOpen();
    long total = 0;
    int next = offset;
    int end = offset + length;
    while (next < end) {
      ByteBuffer first = from[next];
      if (!first.hasRemaining()) {
        next++;
        continue;
      }
      if (first.remaining() >= GATHER_BYTES || next == end - 1) {
        int offered = first.remaining();
        int sent = (int) moved(calls.send(fd, MemorySegment.ofBuffer(first)), total, "send");
        first.position(first.position() + sent);
        total += sent;
        if (sent < offered) {
          return total;
        }
        next++;
        continue;
      }
      byte[] scratch = calls.gatherScratch();
      int filled = 0;
      for (int i = next; i < end && filled < scratch.length; i++) {
        ByteBuffer buffer = from[i];
        int take = Math.min(buffer.remaining(), scratch.length - filled);
        buffer.get(buffer.position(), scratch, filled, take);
        filled += take;
      }
      long sent =
          moved(calls.send(fd, MemorySegment.ofArray(scratch).asSlice(0, filled)), total, "send");
      for (long left = sent; left > 0; next++) {
        ByteBuffer buffer = from[next];
        int step = (int) Math.min(left, buffer.remaining());
        buffer.position(buffer.position() + step);
        left -= step;
        if (buffer.hasRemaining()) {
          break;
        }
      }
      total += sent;
      if (sent < filled) {
        return total;
      }
    }
    return total;
  }

  @Override
  public long write(ByteBuffer[] from) throws IOException {
    return write(from, 0, from.length);
  }

  /**
   * What a call's {@code result} means to a non-blocking channel: the bytes moved; 0 when the
   * socket has no room or no data, and also for a failure that follows {@code movedBefore} bytes
   * this call already moved (the next call meets it); else the failure.
   */
  private static long moved(long result, long movedBefore, String call) throws IOException {
    if (result >= 0) {
      return result;
    }
    if (result == -LinuxCalls.EAGAIN || result == -LinuxCalls.EINTR || movedBefore > 0) {
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
