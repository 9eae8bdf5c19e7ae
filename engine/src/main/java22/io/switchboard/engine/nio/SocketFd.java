package io.switchboard.engine.nio;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.ClosedChannelException;

/**
 * A connected, non-blocking TCP socket of the epoll model, as the channel a {@link NioConnection}
 * reads from and writes to: {@code recv} and {@code send} on its descriptor, with no lock, no state
 * object and no copy of a heap buffer (see {@link LinuxCalls}).
 *
 * <p>Output comes one buffer at a time: the outbound queue copies what is queued into its loop's
 * native buffer ({@link io.switchboard.engine.spi.OutboundQueue#writeTo}). A file range reaches it
 * through {@link java.nio.channels.FileChannel#transferTo}'s generic path, in pieces read into a
 * buffer: {@code sendfile} needs the file's descriptor, which a {@code FileChannel} does not give
 * out.
 *
 * <p>Thread contract: one thread at a time, the one whose {@link LinuxCalls} it was last given (the
 * acceptor, then its loop; see {@link #callFrom}). {@link #isOpen} from any thread.
 */
final class SocketFd implements ByteChannel {
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
    int read = (int) moved(result, "recv");
    into.position(into.position() + read);
    return read;
  }

  @Override
  public int write(ByteBuffer from) throws IOException {
    ensureOpen();
    int sent = (int) moved(calls.send(fd, MemorySegment.ofBuffer(from)), "send");
    from.position(from.position() + sent);
    return sent;
  }

  /**
   * What a call's {@code result} means to a non-blocking channel: the bytes moved; 0 when the
   * socket has no room or no data (or the call was interrupted); else the failure.
   */
  private static long moved(long result, String call) throws IOException {
    if (result >= 0) {
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
