package io.switchboard.engine.spi;

import io.switchboard.engine.Connection;
import io.switchboard.engine.Limits;
import java.io.EOFException;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.WritableByteChannel;
import java.util.concurrent.atomic.LongAdder;

/**
 * A connection's bounded queue of output waiting for the socket.
 *
 * <p>Thread contract: many producers ({@link #add}, from any thread), one consumer at a time
 * ({@link #writeTo} or {@link #copyTo}/{@link #headFile}/{@link #written}, {@link #releaseFlush},
 * {@link #isEmpty}), which is the engine's writer or event loop; {@link #clear} from any thread.
 * Producers never block and take no lock: an add is one atomic swap and one atomic add.
 *
 * <p>The entries are a linked list written into this object (Vyukov's intrusive many-producer,
 * one-consumer queue) rather than a {@link java.util.concurrent.ConcurrentLinkedQueue}: every
 * connection has a queue, and at 10,000 connections the separate queue object and the nodes it
 * keeps were cache misses on every message (the profile in docs/benchmarks.md) and 72 bytes on
 * every idle connection; here an idle queue keeps one node.
 *
 * <p>Three numbers govern it (from {@link Limits}): above the high-water mark the queue reports
 * itself unwritable, below the low-water mark writable again (Netty's hysteresis, so a handler is
 * not told of every byte), and an add that would pass the hard cap is refused whole, which the
 * connection answers by aborting. The flush flag makes sure the engine is woken once per batch of
 * adds, not once per add.
 */
public final class OutboundQueue {

  /**
   * One entry of the list: bytes (a {@code byte[]} or a {@link ByteBuffer}) or a {@link
   * FileRegion}. Bytes are never changed here, not even a buffer's position: the node keeps how far
   * they have been written, so one array or buffer can be queued on many connections (a broadcast)
   * without an object per receiver beyond its node.
   */
  private static final class Node {
    /** Null once consumed (the consumer's last node stays as the list's head). */
    Object value;

    /**
     * Bytes: the index of the next byte to write (into the array, or the buffer's absolute one).
     */
    int next;

    /** Bytes: the index after the last byte. */
    final int end;

    /** Set once, by the producer that appended after this node; read by the consumer. */
    volatile Node after;

    Node(Object value, int next, int end) {
      this.value = value;
      this.next = next;
      this.end = end;
    }
  }

  /** A file range sent with {@link FileChannel#transferTo}, advanced as it is written. */
  private static final class FileRegion {
    final FileChannel file;
    long position;
    long remaining;

    FileRegion(FileChannel file, long position, long count) {
      this.file = file;
      this.position = position;
      this.remaining = count;
    }
  }

  /**
   * A consumer copies at most this many queued bytes into its buffer for one write: enough that a
   * burst of small lines costs one system call, small enough that a buffer of this size per event
   * loop costs nothing.
   */
  public static final int COPY_BYTES = 64 * 1024;

  // Fields updated atomically through VarHandles rather than Atomic* objects: every connection has
  // a queue, and three atomic objects each cost more memory than the idle connection's own state.
  private static final VarHandle QUEUED;
  private static final VarHandle FLUSH_SCHEDULED;
  private static final VarHandle WRITABLE;
  private static final VarHandle TAIL;

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      QUEUED = lookup.findVarHandle(OutboundQueue.class, "queued", long.class);
      FLUSH_SCHEDULED = lookup.findVarHandle(OutboundQueue.class, "flushScheduled", boolean.class);
      WRITABLE = lookup.findVarHandle(OutboundQueue.class, "writable", boolean.class);
      TAIL = lookup.findVarHandle(OutboundQueue.class, "tail", Node.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** Consumer only: the last consumed node; the entries are the ones after it. */
  private Node head = new Node(null, 0, 0);

  /** The last node appended; producers swap in their node, then link it from the one before. */
  @SuppressWarnings("unused") // through TAIL
  private volatile Node tail = head;

  @SuppressWarnings("unused") // through QUEUED
  private volatile long queued;

  @SuppressWarnings("unused") // through FLUSH_SCHEDULED
  private volatile boolean flushScheduled;

  @SuppressWarnings("unused") // through WRITABLE
  private volatile boolean writable = true;

  private final int lowWaterMark;
  private final int highWaterMark;
  private final long maxQueuedBytes;
  private final Runnable writabilityListener;
  private final LongAdder bytesWritten;

  /** Consumer only: see {@link #totalWritten()}. */
  private long totalWritten;

  /**
   * @param writabilityListener run (on the thread that caused it) after each change of {@link
   *     #isWritable()}
   */
  public OutboundQueue(Limits limits, Runnable writabilityListener) {
    this(limits, writabilityListener, new LongAdder());
  }

  /**
   * @param writabilityListener run (on the thread that caused it) after each change of {@link
   *     #isWritable()}
   * @param bytesWritten added to as bytes reach the socket (the server's byte count)
   */
  public OutboundQueue(Limits limits, Runnable writabilityListener, LongAdder bytesWritten) {
    this.lowWaterMark = limits.lowWaterMark();
    this.highWaterMark = limits.highWaterMark();
    this.maxQueuedBytes = limits.maxQueuedBytes();
    this.writabilityListener = writabilityListener;
    this.bytesWritten = bytesWritten;
  }

  /**
   * Appends a buffer's remaining bytes, which must not change until written; its position is left
   * as it is. Returns {@code false} (adding nothing) if they would pass the hard cap.
   */
  public boolean add(ByteBuffer bytes) {
    return add(bytes, bytes.position(), bytes.limit());
  }

  /** Appends an array's bytes, which must not change until written; as {@link #add(ByteBuffer)}. */
  public boolean add(byte[] bytes) {
    return add(bytes, 0, bytes.length);
  }

  /** Appends a file range; same rules as {@link #add(ByteBuffer)}. */
  public boolean add(FileChannel file, long position, long count) {
    return count == 0 || add(new Node(new FileRegion(file, position, count), 0, 0), count);
  }

  private boolean add(Object bytes, int from, int to) {
    return from == to || add(new Node(bytes, from, to), to - from);
  }

  private boolean add(Node node, long size) {
    long after = (long) QUEUED.getAndAdd(this, size) + size;
    if (after > maxQueuedBytes) {
      QUEUED.getAndAdd(this, -size);
      return false;
    }
    append(node);
    if (after > highWaterMark && writable) {
      updateWritability();
    }
    return true;
  }

  /**
   * Called by a producer after {@link #add}: true if the caller must wake the consumer (nobody has
   * been asked to flush since the queue was last drained).
   */
  public boolean claimFlush() {
    return !flushScheduled && FLUSH_SCHEDULED.compareAndSet(this, false, true);
  }

  /**
   * Called by the consumer once {@link #isEmpty()}: clears the flush flag. Returns true if output
   * arrived in between and the consumer has claimed the flush again, so it must keep writing.
   */
  public boolean releaseFlush() {
    flushScheduled = false;
    return !isEmpty() && claimFlush();
  }

  /**
   * True when no entry is linked (consumer only). An add still between its swap and its link is not
   * seen yet; its producer then claims the flush itself (see {@link #releaseFlush}).
   */
  public boolean isEmpty() {
    return head.after == null;
  }

  public long queuedBytes() {
    return queued;
  }

  public boolean isWritable() {
    return writable;
  }

  /**
   * Writes queued output to {@code channel} until the queue is empty or the channel takes no more
   * (a non-blocking socket whose send buffer is full). Bytes are copied into {@code buffer} (at
   * least {@link #COPY_BYTES} is best) and go out a buffer at a time: for a socket, one system call
   * per burst of small entries, however many there are, and the JDK copies heap bytes to native
   * memory for a socket anyway. File regions go to the JDK's own {@link SocketChannel} with {@link
   * FileChannel#transferTo} ({@code sendfile}, no copy); any other channel (the {@code epoll}
   * model's own socket) gets them through {@code buffer}, a read and a write per call: there the
   * JDK's {@code transferTo} would copy too, through a buffer of 8 KiB.
   *
   * @return true if the channel took no more (it is full; the queue is not empty), false if the
   *     queue ran empty
   */
  public boolean writeTo(WritableByteChannel channel, ByteBuffer buffer) throws IOException {
    while (true) {
      Object first = peek();
      if (first == null) {
        return false;
      }
      long offered;
      long written;
      if (first instanceof FileRegion region) {
        offered = fileRun(region);
        if (channel instanceof SocketChannel) {
          written = region.file.transferTo(region.position, offered, channel);
          if (written == 0 && region.position >= region.file.size()) {
            // transferTo's 0 at the file's end reads like a full socket: the loop would wait.
            throw new EOFException("file ended before the range sent from it");
          }
        } else {
          offered = FileChunks.read(region.file, region.position, offered, buffer).remaining();
          written = channel.write(buffer);
        }
      } else {
        buffer.clear();
        offered = copyTo(buffer);
        buffer.flip();
        written = channel.write(buffer);
      }
      written(written);
      if (written < offered) {
        return true;
      }
    }
  }

  // ---- For models whose writes complete later (aio, netty): copy or take, write, report -------

  /** A file range waiting at the head of the queue (see {@link #headFile()}). */
  public record FileSlice(FileChannel file, long position, long count) {}

  /**
   * How many bytes stand at the head of the queue, before any file range, up to {@code most}: the
   * size of buffer {@link #copyTo} would fill. A consumer that makes a buffer per write sizes it by
   * this, not by {@link #queuedBytes()}, which also counts the file ranges queued behind.
   */
  public int headBytes(int most) {
    long bytes = 0;
    for (Node node = head.after;
        node != null && bytes < most && !(node.value instanceof FileRegion);
        node = node.after) {
      bytes += node.end - node.next;
    }
    return (int) Math.min(bytes, most);
  }

  /**
   * Copies the bytes at the head of the queue into {@code into}, as many as fit, without removing
   * them; the consumer writes them and then reports with {@link #written}. Returns how many; 0 when
   * the queue is empty or its head is a file range.
   */
  public int copyTo(ByteBuffer into) {
    int copied = 0;
    for (Node node = head.after; node != null && into.hasRemaining(); node = node.after) {
      int length = Math.min(node.end - node.next, into.remaining());
      if (node.value instanceof byte[] array) {
        into.put(array, node.next, length);
      } else if (node.value instanceof ByteBuffer buffer) {
        into.put(into.position(), buffer, node.next, length).position(into.position() + length);
      } else {
        break; // a file range: the consumer takes it on its own (headFile)
      }
      copied += length;
    }
    return copied;
  }

  /**
   * The file range at the head of the queue, with the ranges that continue it (see {@link
   * #fileRun}), or {@code null} if the head is not one. {@link #written} takes them in turn.
   */
  public FileSlice headFile() {
    return peek() instanceof FileRegion region
        ? new FileSlice(region.file, region.position, fileRun(region))
        : null;
  }

  /**
   * The bytes of {@code first} (the head), and of the ranges queued right after it that continue it
   * in the same file, up to {@link Connection#FILE_WRITE_BYTES} in all: what one {@code transferTo}
   * is asked for. Small adjacent ranges go out in one call (every call costs a {@code sendfile}
   * and, in the JDK, an {@code fstat} and a failed {@code copy_file_range}); a big range goes out
   * in calls of that size.
   */
  private long fileRun(FileRegion first) {
    if (first.remaining >= Connection.FILE_WRITE_BYTES) {
      return Connection.FILE_WRITE_BYTES;
    }
    long run = first.remaining;
    for (Node node = head.after.after; node != null; node = node.after) {
      if (!(node.value instanceof FileRegion next)
          || next.file != first.file
          || next.position != first.position + run
          || run + next.remaining > Connection.FILE_WRITE_BYTES) {
        break;
      }
      run += next.remaining;
    }
    return run;
  }

  /**
   * Reports that {@code bytes} from the head of the queue reached the socket: the entries they
   * cover are advanced, those used up dropped, across as many as it covers (bytes copied by {@link
   * #copyTo}, or file ranges sent as one run, see {@link #fileRun}). Updates the count and the
   * writable flag.
   */
  public void written(long bytes) {
    if (bytes <= 0) {
      return;
    }
    long left = bytes;
    while (left > 0) {
      Node first = head.after;
      if (first.value instanceof FileRegion region) {
        long taken = Math.min(left, region.remaining);
        region.position += taken;
        region.remaining -= taken;
        left -= taken;
        if (region.remaining <= 0) {
          removeFirst();
        }
      } else {
        int taken = (int) Math.min(left, first.end - first.next);
        first.next += taken;
        left -= taken;
        if (first.next == first.end) {
          removeFirst();
        }
      }
    }
    consumed(bytes);
  }

  /** Bytes written to the socket since the queue was made; consumer only. */
  public long totalWritten() {
    return totalWritten;
  }

  private void consumed(long bytes) {
    totalWritten += bytes;
    bytesWritten.add(bytes);
    long after = (long) QUEUED.getAndAdd(this, -bytes) - bytes;
    if (after < lowWaterMark && !writable) {
      updateWritability();
    }
  }

  /**
   * Drops all queued output (abort; any thread); returns how many bytes were dropped. The count
   * goes to zero at once; the entries stay linked and go with the connection, because only the
   * consumer may unlink them, and an aborted connection writes nothing more.
   */
  public long clear() {
    long dropped = (long) QUEUED.getAndSet(this, 0L);
    if (!writable) {
      updateWritability();
    }
    return dropped;
  }

  /** Links {@code node} at the tail: one swap, then the link the consumer follows. */
  private void append(Node node) {
    Node previous = (Node) TAIL.getAndSet(this, node);
    previous.after = node; // volatile: seen by the consumer's releaseFlush, see isEmpty
  }

  /** The first entry, or null (consumer only). */
  private Object peek() {
    Node first = head.after;
    return first == null ? null : first.value;
  }

  /** Unlinks the first entry; its node becomes the head (consumer only). */
  private void removeFirst() {
    Node first = head.after;
    if (first != null) {
      first.value = null;
      head = first;
    }
  }

  /**
   * Moves the writable flag to where the queued count says it belongs, telling the listener of each
   * change. Producers and the consumer race here; the loop re-checks after every change so the flag
   * cannot be left stale (say, unwritable over an empty queue).
   */
  private void updateWritability() {
    while (true) {
      boolean current = writable;
      long bytes = queued;
      boolean target = current ? bytes <= highWaterMark : bytes < lowWaterMark;
      if (target == current) {
        return;
      }
      if (WRITABLE.compareAndSet(this, current, target)) {
        writabilityListener.run();
      }
    }
  }
}
