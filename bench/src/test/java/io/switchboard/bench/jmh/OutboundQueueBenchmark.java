package io.switchboard.bench.jmh;

import io.switchboard.engine.Limits;
import io.switchboard.engine.spi.OutboundQueue;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link OutboundQueue}: the cost of add, claimFlush and writeTo for 64-byte messages, alone (one
 * thread adds a batch then drains it, as an event loop answering its own reads does) and contended
 * (another thread adds while the consumer drains, as a chat broadcast does). The sink channel takes
 * everything, so the socket's cost is left out. Run by hand, never by the suite.
 */
@State(Scope.Group)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class OutboundQueueBenchmark {

  /** Messages added before each drain. */
  @Param({"1", "16"})
  int batch;

  private final ByteBuffer message = ByteBuffer.allocate(64);

  /** The consumer's buffer, as an event loop's (queued bytes are copied through it). */
  private final ByteBuffer buffer = ByteBuffer.allocateDirect(OutboundQueue.COPY_BYTES);

  private OutboundQueue queue;
  private final GatheringByteChannel sink = new DiscardingChannel();

  @Setup
  public void setUp() {
    queue = new OutboundQueue(Limits.DEFAULT.withMaxQueuedBytes(1L << 30), () -> {});
  }

  @Benchmark
  @Group("alone")
  @GroupThreads(1)
  public boolean addThenWrite() throws Exception {
    for (int i = 0; i < batch; i++) {
      queue.add(message);
    }
    queue.claimFlush();
    boolean stalled = queue.writeTo(sink, buffer);
    queue.releaseFlush();
    return stalled;
  }

  @Benchmark
  @Group("contended")
  @GroupThreads(1)
  public boolean producer() {
    // Back off when the consumer falls behind, so the queue stays bounded as in a real server.
    if (queue.queuedBytes() > 1 << 20) {
      return false;
    }
    boolean added = queue.add(message);
    queue.claimFlush();
    return added;
  }

  @Benchmark
  @Group("contended")
  @GroupThreads(1)
  public boolean consumer() throws Exception {
    boolean stalled = queue.writeTo(sink, buffer);
    queue.releaseFlush();
    return stalled;
  }
}
