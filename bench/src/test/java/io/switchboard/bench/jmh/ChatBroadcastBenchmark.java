package io.switchboard.bench.jmh;

import io.switchboard.chat.ChatHub;
import io.switchboard.chat.ChatSettings;
import io.switchboard.chat.line.ChatServer;
import io.switchboard.engine.AttributeKey;
import io.switchboard.engine.Connection;
import io.switchboard.engine.Handler;
import io.switchboard.engine.Limits;
import io.switchboard.engine.spi.OutboundQueue;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.GatheringByteChannel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The chat hub's broadcast path as the fanout scenario drives it: one member's line goes through
 * the line front ({@code received}), the hub and the room to every other member, rendered and
 * queued on each one's {@link OutboundQueue}, which is then written to a channel that takes
 * everything (so the socket's cost is left out). One operation is one message to {@code members}
 * receivers. Run by hand, never by the suite.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ChatBroadcastBenchmark {

  /** Receivers in the room besides the sender. */
  @Param({"100", "1000"})
  int members;

  private static final String LINE = "bench:1234567890123 " + "x".repeat(32);

  private final GatheringByteChannel sink = new DiscardingChannel();
  private Handler<String> front;
  private QueuedConnection sender;
  private final List<QueuedConnection> receivers = new ArrayList<>();

  @Setup
  public void setUp() {
    // No flood limit: the sender sends far faster than a person.
    ChatHub hub = new ChatHub(ChatSettings.DEFAULT.withRateLimit(1e12, Integer.MAX_VALUE));
    front = ChatServer.application(hub).handler();
    for (int i = 0; i <= members; i++) {
      QueuedConnection connection = new QueuedConnection(i);
      front.opened(connection);
      front.received(connection, "/nick m" + i);
      front.received(connection, "/join bench");
      connection.drain(sink);
      if (i == 0) {
        sender = connection;
      } else {
        receivers.add(connection);
      }
    }
    receivers.forEach(r -> r.drain(sink)); // the join notices of those who came later
  }

  @Benchmark
  public void broadcast() {
    front.received(sender, LINE);
    for (QueuedConnection receiver : receivers) {
      receiver.drain(sink);
    }
  }

  /** A connection with a real outbound queue and no socket. */
  private static final class QueuedConnection implements Connection {
    private final long id;
    private final OutboundQueue queue = new OutboundQueue(Limits.DEFAULT, () -> {});
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(OutboundQueue.COPY_BYTES);
    private final Map<AttributeKey<?>, Object> attributes = new HashMap<>();

    QueuedConnection(long id) {
      this.id = id;
    }

    void drain(GatheringByteChannel channel) {
      try {
        queue.writeTo(channel, buffer);
      } catch (java.io.IOException e) {
        throw new IllegalStateException(e);
      }
      queue.releaseFlush();
    }

    @Override
    public long id() {
      return id;
    }

    @Override
    public SocketAddress remoteAddress() {
      return new InetSocketAddress("127.0.0.1", 1);
    }

    @Override
    public SocketAddress localAddress() {
      return new InetSocketAddress("127.0.0.1", 2);
    }

    @Override
    public boolean send(ByteBuffer bytes) {
      boolean added = queue.add(bytes);
      queue.claimFlush();
      return added;
    }

    @Override
    public boolean send(byte[] bytes) { // as the engine's connections: the array is shared
      boolean added = queue.add(bytes);
      queue.claimFlush();
      return added;
    }

    @Override
    public boolean sendFile(FileChannel file, long position, long count) {
      throw new UnsupportedOperationException();
    }

    @Override
    public boolean isWritable() {
      return queue.isWritable();
    }

    @Override
    public long queuedBytes() {
      return queue.queuedBytes();
    }

    @Override
    public void pauseReading() {}

    @Override
    public void resumeReading() {}

    @Override
    public void close(String reason) {}

    @Override
    public void abort(String reason) {}

    @Override
    public void drop(ByteBuffer lastWords, String reason) {}

    @Override
    public boolean isOpen() {
      return true;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T attribute(AttributeKey<T> key) {
      return (T) attributes.get(key);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T attribute(AttributeKey<T> key, T value) {
      return (T) (value == null ? attributes.remove(key) : attributes.put(key, value));
    }
  }
}
