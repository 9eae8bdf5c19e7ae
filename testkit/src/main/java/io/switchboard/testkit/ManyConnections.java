package io.switchboard.testkit;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Holds many client connections from one thread (non-blocking channels and a selector), so a test
 * can open thousands without thousands of threads. Not thread-safe.
 */
public final class ManyConnections implements AutoCloseable {
  private final Selector selector;
  private final List<SocketChannel> channels = new ArrayList<>();

  private ManyConnections() throws IOException {
    selector = Selector.open();
  }

  /** Opens {@code count} connections to {@code address}, each fully connected when this returns. */
  public static ManyConnections open(InetSocketAddress address, int count) throws IOException {
    ManyConnections many = new ManyConnections();
    try {
      for (int i = 0; i < count; i++) {
        SocketChannel channel = SocketChannel.open();
        many.channels.add(channel);
        channel.setOption(StandardSocketOptions.SO_LINGER, 0); // no TIME_WAIT pile-up
        channel.connect(address);
        channel.configureBlocking(false);
      }
    } catch (IOException | RuntimeException e) {
      many.close();
      throw e;
    }
    return many;
  }

  public int size() {
    return channels.size();
  }

  /**
   * Sends a distinct line on every connection ({@code prefix + index}) and waits until each has
   * received exactly that line back.
   *
   * @return how many connections got their own line back
   */
  public int echoEach(String prefix, Duration deadline) throws IOException {
    int done = 0;
    StringBuilder[] received = new StringBuilder[channels.size()];
    for (int i = 0; i < channels.size(); i++) {
      SocketChannel channel = channels.get(i);
      ByteBuffer line = ByteBuffer.wrap((prefix + i + "\n").getBytes(StandardCharsets.UTF_8));
      while (line.hasRemaining()) {
        channel.write(line); // a few bytes always fit an empty socket buffer
      }
      received[i] = new StringBuilder();
      channel.register(selector, SelectionKey.OP_READ, i);
    }
    ByteBuffer buffer = ByteBuffer.allocate(4096);
    long end = System.nanoTime() + deadline.toNanos();
    while (done < channels.size() && System.nanoTime() < end) {
      selector.select(100);
      for (SelectionKey key : selector.selectedKeys()) {
        int index = (Integer) key.attachment();
        buffer.clear();
        int n = ((SocketChannel) key.channel()).read(buffer);
        if (n < 0) {
          key.cancel();
          continue;
        }
        received[index].append(new String(buffer.array(), 0, n, StandardCharsets.UTF_8));
        if (received[index].toString().equals(prefix + index + "\n")) {
          done++;
          key.interestOps(0);
        }
      }
      selector.selectedKeys().clear();
    }
    return done;
  }

  @Override
  public void close() {
    for (SocketChannel channel : channels) {
      try {
        channel.close();
      } catch (IOException e) {
        // closing is all we wanted
      }
    }
    try {
      selector.close();
    } catch (IOException e) {
      // closing is all we wanted
    }
  }
}
