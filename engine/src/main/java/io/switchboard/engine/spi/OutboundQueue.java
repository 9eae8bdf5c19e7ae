package io.switchboard.engine.spi;

import io.switchboard.engine.Limits;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.GatheringByteChannel;
import java.util.Arrays;
import java.util.concurrent.atomic.LongAdder;

/**
 * A connection's bounded queue of output waiting for the socket.
 *
 * <p>Thread contract: many producers ({@link #add}, from any thread), one consumer at a time
 * ({@link #writeTo} or {@link #gather}/{@link #headFile}/{@link #written}, {@link #releaseFlush},
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

  /** One entry of the list: a {@link ByteBuffer} or a {@link FileRegion}. */
  private static final class Node {
    /** Null once consumed (the consumer's last node stays as the list's head). */
    Object value;

    /** Set once, by the producer that appended after this node; read by the consumer. */
    volatile Node next;

    Node(Object value) {
      this.value = value;
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

  /** Gathering writes take at most this many buffers at once (IOV_MAX is far above). */
  private static final int GATHER = 64;

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

  /**
   * The consumer's scratch array for gathering writes, one per thread: the event loops and writer
   * threads that drain queues are few, the connections many, and an idle connection should not keep
   * an array of its own.
   */
  private static final ThreadLocal<ByteBuffer[]> SCRATCH =
      ThreadLocal.withInitial(() -> new ByteBuffer[GATHER]);

  /** Consumer only: the last consumed node; the entries are the ones after it. */
  private Node head = new Node(null);

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

  /** Appends bytes; returns {@code false} (adding nothing) if they would pass the hard cap. */
  public boolean add(ByteBuffer bytes) {
    return add(bytes, bytes.remaining());
  }

  /** Appends a file range; same rules as {@link #add(ByteBuffer)}. */
  public boolean add(FileChannel file, long position, long count) {
    return add(new FileRegion(file, position, count), count);
  }

  private boolean add(Object entry, long size) {
    if (size == 0) {
      return true;
    }
    long after = (long) QUEUED.getAndAdd(this, size) + size;
    if (after > maxQueuedBytes) {
      QUEUED.getAndAdd(this, -size);
      return false;
    }
    append(entry);
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
    return head.next == null;
  }

  public long queuedBytes() {
    return queued;
  }

  public boolean isWritable() {
    return writable;
  }

  /**
   * Writes queued output to {@code channel} until the queue is empty or the channel takes no more
   * (a non-blocking socket whose send buffer is full). Byte buffers go out in gathering writes;
   * file regions through {@link FileChannel#transferTo}.
   *
   * @return true if the channel took no more (it is full; the queue is not empty), false if the
   *     queue ran empty
   */
  public boolean writeTo(GatheringByteChannel channel) throws IOException {
    while (true) {
      Object first = peek();
      if (first == null) {
        return false;
      }
      long offered;
      long written;
      if (first instanceof FileRegion region) {
        offered = fileRun(region);
        written = region.file.transferTo(region.position, offered, channel);
      } else {
        ByteBuffer[] gather = SCRATCH.get();
        int count = gather(gather);
        offered = 0;
        for (int i = 0; i < count; i++) {
          offered += gather[i].remaining();
        }
        written = count == 1 ? channel.write(gather[0]) : channel.write(gather, 0, count);
        Arrays.fill(gather, 0, count, null);
      }
      written(written);
      if (written < offered) {
        return true;
      }
    }
  }

  // ---- For models whose writes complete later (aio, netty): take, write elsewhere, report ----

  /** A file range waiting at the head of the queue (see {@link #headFile()}). */
  public record FileSlice(FileChannel file, long position, long count) {}

  /**
   * Puts the byte buffers at the head of the queue into {@code into} (at most {@code into.length}),
   * without removing them; the consumer writes them and then reports with {@link #written}. Returns
   * how many; 0 when the queue is empty or its head is a file range.
   */
  public int gather(ByteBuffer[] into) {
    int count = 0;
    for (Node node = head.next; node != null && count < into.length; node = node.next) {
      if (!(node.value instanceof ByteBuffer buffer)) {
        break;
      }
      into[count++] = buffer;
    }
    return count;
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
   * The bytes of {@code first} (the head) and of the ranges queued right after it that continue it
   * in the same file: one {@code transferTo} sends them all. An app queues a big file in pieces to
   * keep the queue's count near its water marks; sent piece by piece, every piece would cost a
   * {@code sendfile} and, in the JDK, an {@code fstat} and a failed {@code copy_file_range}.
   *
   * <p>At most half the low-water mark in all (or the head alone, if bigger): the count drops below
   * the mark while the rest is still queued, so the app's refill (on blocking models, another
   * thread's) arrives while the socket still has that much to send. A blocking {@code sendfile} of
   * the whole queue would leave only the socket's own buffer, about a millisecond at loopback
   * speed.
   */
  private long fileRun(FileRegion first) {
    long run = first.remaining;
    long most = Math.max(run, lowWaterMark / 2);
    for (Node node = head.next.next; node != null; node = node.next) {
      if (!(node.value instanceof FileRegion next)
          || next.file != first.file
          || next.position != first.position + run
          || run + next.remaining > most) {
        break;
      }
      run += next.remaining;
    }
    return run;
  }

  /**
   * Reports that {@code bytes} from the head of the queue reached the socket. Byte buffers must
   * have been advanced past what was written (a channel's write does that; a consumer that copies
   * them elsewhere sets their position itself); those used up are dropped. File ranges at the head
   * are advanced by {@code bytes}, across as many as it covers. Updates the count and the writable
   * flag.
   */
  public void written(long bytes) {
    if (bytes <= 0) {
      return;
    }
    if (peek() instanceof FileRegion) {
      long left = bytes; // may reach into the ranges after the head (see fileRun)
      while (left > 0 && peek() instanceof FileRegion region) {
        long taken = Math.min(left, region.remaining);
        region.position += taken;
        region.remaining -= taken;
        left -= taken;
        if (region.remaining <= 0) {
          removeFirst();
        }
      }
    } else {
      while (peek() instanceof ByteBuffer buffer && !buffer.hasRemaining()) {
        removeFirst();
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

  /** Links {@code entry} at the tail: one swap, then the link the consumer follows. */
  private void append(Object entry) {
    Node node = new Node(entry);
    Node previous = (Node) TAIL.getAndSet(this, node);
    previous.next = node; // volatile: seen by the consumer's releaseFlush, see isEmpty
  }

  /** The first entry, or null (consumer only). */
  private Object peek() {
    Node first = head.next;
    return first == null ? null : first.value;
  }

  /** Unlinks the first entry; its node becomes the head (consumer only). */
  private void removeFirst() {
    Node first = head.next;
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
