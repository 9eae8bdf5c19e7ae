package io.switchboard.engine;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.GatheringByteChannel;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A connection's bounded queue of output waiting for the socket.
 *
 * <p>Thread contract: many producers ({@link #add}, from any thread), one consumer at a time
 * ({@link #writeTo}, {@link #releaseFlush}, {@link #clear}), which is the engine's writer or event
 * loop. Producers never block and take no lock: an add is one lock-free enqueue and one atomic
 * add.
 *
 * <p>Three numbers govern it (from {@link Limits}): above the high-water mark the queue reports
 * itself unwritable, below the low-water mark writable again (Netty's hysteresis, so a handler is
 * not told of every byte), and an add that would pass the hard cap is refused whole, which the
 * connection answers by aborting. The flush flag makes sure the engine is woken once per batch of
 * adds, not once per add.
 */
public final class OutboundQueue {

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

  private final ConcurrentLinkedQueue<Object> entries = new ConcurrentLinkedQueue<>();
  private final AtomicLong queued = new AtomicLong();
  private final AtomicBoolean flushScheduled = new AtomicBoolean();
  private final AtomicBoolean writable = new AtomicBoolean(true);
  private final int lowWaterMark;
  private final int highWaterMark;
  private final long maxQueuedBytes;
  private final Runnable writabilityListener;
  /** Consumer-only scratch space, made on first use so idle connections do not pay for it. */
  private ByteBuffer[] gather;

  /**
   * @param writabilityListener run (on the thread that caused it) after each change of {@link
   *     #isWritable()}
   */
  public OutboundQueue(Limits limits, Runnable writabilityListener) {
    this.lowWaterMark = limits.lowWaterMark();
    this.highWaterMark = limits.highWaterMark();
    this.maxQueuedBytes = limits.maxQueuedBytes();
    this.writabilityListener = writabilityListener;
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
    long after = queued.addAndGet(size);
    if (after > maxQueuedBytes) {
      queued.addAndGet(-size);
      return false;
    }
    entries.add(entry);
    if (after > highWaterMark && writable.get()) {
      updateWritability();
    }
    return true;
  }

  /**
   * Called by a producer after {@link #add}: true if the caller must wake the consumer (nobody has
   * been asked to flush since the queue was last drained).
   */
  public boolean claimFlush() {
    return !flushScheduled.get() && flushScheduled.compareAndSet(false, true);
  }

  /**
   * Called by the consumer once {@link #isEmpty()}: clears the flush flag. Returns true if output
   * arrived in between and the consumer has claimed the flush again, so it must keep writing.
   */
  public boolean releaseFlush() {
    flushScheduled.set(false);
    return !entries.isEmpty() && claimFlush();
  }

  public boolean isEmpty() {
    return entries.isEmpty();
  }

  public long queuedBytes() {
    return queued.get();
  }

  public boolean isWritable() {
    return writable.get();
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
      Object head = entries.peek();
      if (head == null) {
        return false;
      }
      long written;
      boolean stalled;
      if (head instanceof FileRegion region) {
        written = region.file.transferTo(region.position, region.remaining, channel);
        region.position += written;
        region.remaining -= written;
        if (region.remaining == 0) {
          entries.poll();
        }
        stalled = region.remaining > 0;
      } else {
        written = writeBuffers(channel);
        stalled = written == 0 || !entries.isEmpty() && entries.peek() == head;
      }
      if (written > 0) {
        consumed(written);
      }
      if (stalled) {
        return true;
      }
    }
  }

  /** One gathering write of the byte buffers at the head; drops the ones fully written. */
  private long writeBuffers(GatheringByteChannel channel) throws IOException {
    if (gather == null) {
      gather = new ByteBuffer[GATHER];
    }
    int count = 0;
    for (Object entry : entries) {
      if (!(entry instanceof ByteBuffer buffer) || count == GATHER) {
        break;
      }
      gather[count++] = buffer;
    }
    long written = count == 1 ? channel.write(gather[0]) : channel.write(gather, 0, count);
    for (int i = 0; i < count; i++) {
      if (gather[i].hasRemaining()) {
        break;
      }
      entries.poll();
    }
    java.util.Arrays.fill(gather, 0, count, null);
    return written;
  }

  private void consumed(long bytes) {
    long after = queued.addAndGet(-bytes);
    if (after < lowWaterMark && !writable.get()) {
      updateWritability();
    }
  }

  /** Drops all queued output (abort); returns how many bytes were dropped. */
  public long clear() {
    entries.clear();
    long dropped = queued.getAndSet(0);
    if (!writable.get()) {
      updateWritability();
    }
    return dropped;
  }

  /**
   * Moves the writable flag to where the queued count says it belongs, telling the listener of
   * each change. Producers and the consumer race here; the loop re-checks after every change so
   * the flag cannot be left stale (say, unwritable over an empty queue).
   */
  private void updateWritability() {
    while (true) {
      boolean current = writable.get();
      long bytes = queued.get();
      boolean target = current ? bytes <= highWaterMark : bytes < lowWaterMark;
      if (target == current) {
        return;
      }
      if (writable.compareAndSet(current, target)) {
        writabilityListener.run();
      }
    }
  }
}
