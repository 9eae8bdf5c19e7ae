package io.switchboard.engine.spi;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.engine.Limits;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutboundQueueTest {
  private final AtomicInteger flips = new AtomicInteger();
  private final Limits limits = Limits.DEFAULT.withWaterMarks(10, 20).withMaxQueuedBytes(30);
  private final OutboundQueue queue = new OutboundQueue(limits, flips::incrementAndGet);

  /** A channel that takes at most {@code budget} bytes, like a socket with a full buffer. */
  private static final class Trickle implements GatheringByteChannel {
    final ByteArrayOutputStream taken = new ByteArrayOutputStream();
    final WritableByteChannel sink = Channels.newChannel(taken);
    int budget;

    @Override
    public int write(ByteBuffer src) throws java.io.IOException {
      int n = Math.min(budget, src.remaining());
      ByteBuffer slice = src.slice(src.position(), n);
      sink.write(slice);
      src.position(src.position() + n);
      budget -= n;
      return n;
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws java.io.IOException {
      long total = 0;
      for (int i = offset; i < offset + length; i++) {
        total += write(srcs[i]);
      }
      return total;
    }

    @Override
    public long write(ByteBuffer[] srcs) throws java.io.IOException {
      return write(srcs, 0, srcs.length);
    }

    @Override
    public boolean isOpen() {
      return true;
    }

    @Override
    public void close() {}
  }

  private static final Runnable NOTHING = () -> {};

  private static ByteBuffer bytes(int n) {
    return ByteBuffer.wrap(new byte[n]);
  }

  @Test
  void waterMarksFlipOncePerCrossing() throws Exception {
    assertThat(queue.add(bytes(15))).isTrue();
    assertThat(queue.isWritable()).isTrue();
    assertThat(queue.add(bytes(10))).isTrue(); // 25 > high 20
    assertThat(queue.isWritable()).isFalse();
    assertThat(flips).hasValue(1);

    Trickle channel = new Trickle();
    channel.budget = 10; // down to 15: between the marks, still unwritable
    assertThat(queue.writeTo(channel, NOTHING)).as("channel full").isTrue();
    assertThat(queue.isWritable()).isFalse();
    channel.budget = 100;
    assertThat(queue.writeTo(channel, NOTHING)).as("queue emptied").isFalse();
    assertThat(queue.isWritable()).isTrue();
    assertThat(flips).hasValue(2);
    assertThat(channel.taken.size()).isEqualTo(25);
  }

  @Test
  void anAddPastTheHardCapIsRefusedWhole() {
    assertThat(queue.add(bytes(25))).isTrue();
    assertThat(queue.add(bytes(6))).isFalse();
    assertThat(queue.queuedBytes()).isEqualTo(25);
  }

  @Test
  void flushIsClaimedOncePerBatch() throws Exception {
    queue.add(bytes(1));
    assertThat(queue.claimFlush()).isTrue();
    queue.add(bytes(1));
    assertThat(queue.claimFlush()).as("already claimed").isFalse();
    Trickle channel = new Trickle();
    channel.budget = 100;
    queue.writeTo(channel, NOTHING);
    assertThat(queue.releaseFlush()).isFalse();
    queue.add(bytes(1));
    assertThat(queue.claimFlush()).isTrue();
  }

  @Test
  void partialWritesKeepOrder() throws Exception {
    for (int i = 0; i < 5; i++) {
      queue.add(ByteBuffer.wrap(new byte[] {(byte) i, (byte) i}));
    }
    Trickle channel = new Trickle();
    for (int round = 0; round < 10; round++) {
      channel.budget = 1;
      queue.writeTo(channel, NOTHING);
    }
    assertThat(channel.taken.toByteArray()).containsExactly(0, 0, 1, 1, 2, 2, 3, 3, 4, 4);
    assertThat(queue.isEmpty()).isTrue();
    assertThat(queue.queuedBytes()).isZero();
  }

  @Test
  void contiguousFileRangesGoOutInOneTransfer(@TempDir Path dir) throws Exception {
    byte[] content = new byte[30];
    for (int i = 0; i < content.length; i++) {
      content[i] = (byte) i;
    }
    Path path = Files.write(dir.resolve("file"), content);
    try (CountingFileChannel file = new CountingFileChannel(FileChannel.open(path))) {
      queue.add(file, 0, 10);
      queue.add(file, 10, 10); // continues the first: sent with it
      queue.add(file, 25, 5); // a gap: a transfer of its own
      Trickle channel = new Trickle();
      channel.budget = 15; // full in the middle of the second range
      assertThat(queue.writeTo(channel, NOTHING)).as("channel full").isTrue();
      assertThat(file.transfers).as("one call for both ranges").hasValue(1);
      assertThat(queue.queuedBytes()).isEqualTo(10);

      channel.budget = 100;
      assertThat(queue.writeTo(channel, NOTHING)).as("queue emptied").isFalse();
      assertThat(file.transfers).as("the rest of the second range, then the third").hasValue(3);
      byte[] expected = new byte[25];
      System.arraycopy(content, 0, expected, 0, 20);
      System.arraycopy(content, 25, expected, 20, 5);
      assertThat(channel.taken.toByteArray()).isEqualTo(expected);
      assertThat(queue.isEmpty()).isTrue();
      assertThat(queue.queuedBytes()).isZero();
    }
  }

  /** A file that counts its {@code transferTo} calls (each is one sendfile on a socket). */
  private static final class CountingFileChannel extends FileChannel {
    final AtomicInteger transfers = new AtomicInteger();
    private final FileChannel file;

    CountingFileChannel(FileChannel file) {
      this.file = file;
    }

    @Override
    public long transferTo(long position, long count, WritableByteChannel target)
        throws IOException {
      transfers.incrementAndGet();
      return file.transferTo(position, count, target);
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
      return file.read(dst);
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
      return file.read(dsts, offset, length);
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
      return file.write(src);
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
      return file.write(srcs, offset, length);
    }

    @Override
    public long position() throws IOException {
      return file.position();
    }

    @Override
    public FileChannel position(long newPosition) throws IOException {
      file.position(newPosition);
      return this;
    }

    @Override
    public long size() throws IOException {
      return file.size();
    }

    @Override
    public FileChannel truncate(long size) throws IOException {
      file.truncate(size);
      return this;
    }

    @Override
    public void force(boolean metaData) throws IOException {
      file.force(metaData);
    }

    @Override
    public long transferFrom(ReadableByteChannel src, long position, long count)
        throws IOException {
      return file.transferFrom(src, position, count);
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
      return file.read(dst, position);
    }

    @Override
    public int write(ByteBuffer src, long position) throws IOException {
      return file.write(src, position);
    }

    @Override
    public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
      return file.map(mode, position, size);
    }

    @Override
    public FileLock lock(long position, long size, boolean shared) throws IOException {
      return file.lock(position, size, shared);
    }

    @Override
    public FileLock tryLock(long position, long size, boolean shared) throws IOException {
      return file.tryLock(position, size, shared);
    }

    @Override
    protected void implCloseChannel() throws IOException {
      file.close();
    }
  }
}
