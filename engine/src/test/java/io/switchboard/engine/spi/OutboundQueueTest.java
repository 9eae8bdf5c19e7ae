package io.switchboard.engine.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.engine.Connection;
import io.switchboard.engine.Limits;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutboundQueueTest {
  private final AtomicInteger flips = new AtomicInteger();
  private final Limits limits = Limits.DEFAULT.withWaterMarks(10, 20).withMaxQueuedBytes(30);
  private final OutboundQueue queue = new OutboundQueue(limits, flips::incrementAndGet);

  /** The consumer's buffer, as an event loop's: what it copies queued bytes through. */
  private final ByteBuffer buffer = ByteBuffer.allocateDirect(OutboundQueue.COPY_BYTES);

  /** A channel that takes at most {@code budget} bytes, like a socket with a full buffer. */
  private static final class Trickle implements WritableByteChannel {
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
    public boolean isOpen() {
      return true;
    }

    @Override
    public void close() {}
  }

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
    assertThat(queue.writeTo(channel, buffer)).as("channel full").isTrue();
    assertThat(queue.isWritable()).isFalse();
    channel.budget = 100;
    assertThat(queue.writeTo(channel, buffer)).as("queue emptied").isFalse();
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
    queue.writeTo(channel, buffer);
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
      queue.writeTo(channel, buffer);
    }
    assertThat(channel.taken.toByteArray()).containsExactly(0, 0, 1, 1, 2, 2, 3, 3, 4, 4);
    assertThat(queue.isEmpty()).isTrue();
    assertThat(queue.queuedBytes()).isZero();
  }

  @Test
  void adjacentSmallFileRangesGoOutInOneCall(@TempDir Path dir) throws Exception {
    byte[] content = new byte[256];
    for (int i = 0; i < content.length; i++) {
      content[i] = (byte) i;
    }
    Path path = Files.write(dir.resolve("f"), content);
    OutboundQueue files =
        new OutboundQueue(Limits.DEFAULT.withWaterMarks(40, 80).withMaxQueuedBytes(1000), () -> {});
    Trickle channel = new Trickle();
    try (FileChannel file = FileChannel.open(path);
        FileChannel other = FileChannel.open(path)) {
      for (int position = 0; position < 40; position += 10) {
        files.add(file, position, 10); // 0..39 in four pieces
      }
      files.add(file, 50, 10); // not adjacent
      files.add(other, 60, 10); // adjacent, but another channel
      files.add(ByteBuffer.wrap(new byte[] {(byte) 0xEE}));

      assertThat(files.headFile().count()).as("the four adjacent pieces").isEqualTo(40);
      channel.budget = 25; // ends inside the third piece
      assertThat(files.writeTo(channel, buffer)).as("channel full").isTrue();
      assertThat(files.headFile().position()).isEqualTo(25);
      assertThat(files.headFile().count())
          .as("the rest of the third, and the fourth")
          .isEqualTo(15);
      assertThat(files.queuedBytes()).isEqualTo(1 + 6 * 10 - 25);

      channel.budget = 1000;
      assertThat(files.writeTo(channel, buffer)).as("queue emptied").isFalse();
    }
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    expected.write(content, 0, 40);
    expected.write(content, 50, 20);
    expected.write(0xEE);
    assertThat(channel.taken.toByteArray()).isEqualTo(expected.toByteArray());
    assertThat(files.queuedBytes()).isZero();
  }

  @Test
  void aBigFileRangeGoesOutInCallsOfAtMostFileWriteBytes(@TempDir Path dir) throws Exception {
    int size = 150_000;
    byte[] content = new byte[size];
    new java.util.Random(7).nextBytes(content);
    Path path = Files.write(dir.resolve("big"), content);
    int call = Connection.FILE_WRITE_BYTES;
    OutboundQueue files = new OutboundQueue(Limits.DEFAULT.withMaxQueuedBytes(1 << 20), () -> {});
    Trickle channel = new Trickle();
    try (FileChannel file = FileChannel.open(path)) {
      files.add(file, 0, 100_000);
      files.add(file, 100_000, size - 100_000); // adjacent, joined only within one call

      assertThat(files.headFile().count()).as("a call, not the range").isEqualTo(call);
      channel.budget = call;
      assertThat(files.writeTo(channel, buffer)).as("channel full after one call").isTrue();
      assertThat(files.headFile().position()).isEqualTo(call);
      assertThat(files.headFile().count())
          .as("the rest of the first range: the second would pass a call's bytes")
          .isEqualTo(100_000 - call);

      channel.budget = size;
      assertThat(files.writeTo(channel, buffer)).as("queue emptied").isFalse();
    }
    assertThat(channel.taken.toByteArray()).isEqualTo(content);
    assertThat(files.queuedBytes()).isZero();
  }

  @Test
  void aFileThatEndsBeforeItsQueuedRangeFailsTheWriteInsteadOfLookingLikeAFullSocket(
      @TempDir Path dir) throws Exception {
    Path path = Files.write(dir.resolve("shrinks"), new byte[100]);
    try (FileChannel file = FileChannel.open(path, StandardOpenOption.READ);
        ServerSocketChannel listener =
            ServerSocketChannel.open()
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        SocketChannel socket = SocketChannel.open(listener.getLocalAddress());
        SocketChannel peer = listener.accept()) {
      OutboundQueue throughBuffer = new OutboundQueue(Limits.DEFAULT, () -> {});
      OutboundQueue zeroCopy = new OutboundQueue(Limits.DEFAULT, () -> {});
      throughBuffer.add(file, 0, 100);
      zeroCopy.add(file, 0, 100);
      try (FileChannel writer = FileChannel.open(path, StandardOpenOption.WRITE)) {
        writer.truncate(40); // another session replaced the file in place
      }
      Trickle channel = new Trickle();
      channel.budget = 1000;
      assertThatThrownBy(() -> throughBuffer.writeTo(channel, buffer))
          .isInstanceOf(EOFException.class);
      // transferTo sends the 40 bytes there are, then returns 0, as it does on a full socket: a
      // loop that took that for "full" would wait for room forever, or spin.
      assertThatThrownBy(
              () -> {
                for (int call = 0; call < 3; call++) {
                  zeroCopy.writeTo(socket, buffer);
                }
              })
          .isInstanceOf(EOFException.class);
      assertThat(zeroCopy.totalWritten()).isEqualTo(40);
    }
  }

  @Test
  void oneArrayOrBufferQueuedOnManyConnectionsReachesEachWholeAndStaysAsItWas() throws Exception {
    byte[] shared = "hello, all\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    ByteBuffer sharedBuffer = ByteBuffer.wrap("second\n".getBytes()).position(1); // "econd\n"
    Limits roomy = Limits.DEFAULT;
    OutboundQueue first = new OutboundQueue(roomy, () -> {});
    OutboundQueue second = new OutboundQueue(roomy, () -> {});
    for (OutboundQueue each : List.of(first, second)) {
      each.add(shared);
      each.add(sharedBuffer);
      each.add(shared);
    }
    assertThat(first.queuedBytes()).isEqualTo(11 + 6 + 11);

    // Each drains at its own pace: the first 3 bytes a write, the second all at once.
    Trickle slow = new Trickle();
    Trickle fast = new Trickle();
    fast.budget = 1000;
    assertThat(second.writeTo(fast, buffer)).isFalse();
    while (!first.isEmpty()) {
      slow.budget = 3;
      first.writeTo(slow, buffer);
    }

    String expected = "hello, all\necond\nhello, all\n";
    assertThat(slow.taken.toString()).isEqualTo(expected);
    assertThat(fast.taken.toString()).isEqualTo(expected);
    assertThat(first.queuedBytes()).isZero();
    assertThat(sharedBuffer.position()).as("the sender's buffer is not moved").isEqualTo(1);
    assertThat(new String(shared, java.nio.charset.StandardCharsets.US_ASCII))
        .isEqualTo("hello, all\n");
  }

  @Test
  void aConsumerThatCopiesOutReportsWhatWasSentAndTheNextCopyGoesOnFromThere() {
    queue.add(new byte[] {1, 2, 3});
    queue.add(ByteBuffer.wrap(new byte[] {4, 5}));
    queue.add(new byte[] {6});

    ByteBuffer batch = ByteBuffer.allocate(4); // smaller than what is queued
    assertThat(queue.copyTo(batch)).isEqualTo(4);
    assertThat(batch.flip()).isEqualTo(ByteBuffer.wrap(new byte[] {1, 2, 3, 4}));
    assertThat(queue.queuedBytes()).as("copied is not written").isEqualTo(6);

    queue.written(2); // the socket took only part of the batch
    batch.clear();
    assertThat(queue.copyTo(batch)).isEqualTo(4);
    assertThat(batch.flip()).isEqualTo(ByteBuffer.wrap(new byte[] {3, 4, 5, 6}));
    queue.written(4);
    assertThat(queue.isEmpty()).isTrue();
    assertThat(queue.queuedBytes()).isZero();
    assertThat(queue.copyTo(batch.clear())).isZero();
  }

  @Test
  void headBytesCountsTheBytesBeforeTheFirstFileRangeUpToTheMost(@TempDir Path dir)
      throws Exception {
    OutboundQueue mixed = new OutboundQueue(Limits.DEFAULT, () -> {});
    try (FileChannel file = FileChannel.open(Files.write(dir.resolve("f"), new byte[1000]))) {
      mixed.add(new byte[] {1, 2, 3});
      mixed.add(ByteBuffer.wrap(new byte[] {4, 5}));
      mixed.add(file, 0, 1000); // queued, but not bytes a copy takes
      mixed.add(new byte[] {6});

      assertThat(mixed.queuedBytes()).isEqualTo(1006);
      assertThat(mixed.headBytes(100)).isEqualTo(5);
      assertThat(mixed.headBytes(4)).isEqualTo(4);
      mixed.written(1);
      assertThat(mixed.headBytes(100)).as("what is left of the head").isEqualTo(4);
      assertThat(mixed.copyTo(ByteBuffer.allocate(mixed.headBytes(100)))).isEqualTo(4);
    }
  }
}
