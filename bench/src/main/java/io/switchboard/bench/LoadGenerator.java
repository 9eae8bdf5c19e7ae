package io.switchboard.bench;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The built-in client side of every scenario: a few NIO selector threads ({@link ClientLoop}), each
 * driving thousands of {@link LoadConnection}s, so the generator stays cheaper than any server it
 * measures. New connections bind their source address and port from {@link SourceAddresses}, moving
 * across 127.0.0.0/8 when one address runs out of ports.
 *
 * <p>Thread contract: {@link #connect} may be called from any thread (loop threads included);
 * connections are spread over the loops round-robin and live on one loop for good. {@link #close}
 * stops the loops and closes every connection.
 */
public final class LoadGenerator implements AutoCloseable {
  private final ClientLoop[] loops;
  private final SourceAddresses sources;
  private final AtomicInteger nextLoop = new AtomicInteger();

  public LoadGenerator(int threads, SourceAddresses sources) throws IOException {
    if (threads <= 0) {
      throw new IllegalArgumentException("threads must be positive: " + threads);
    }
    this.sources = sources;
    loops = new ClientLoop[threads];
    for (int i = 0; i < threads; i++) {
      loops[i] = new ClientLoop("load-" + i);
    }
    for (ClientLoop loop : loops) {
      loop.start();
    }
  }

  public LoadGenerator(int threads) throws IOException {
    this(threads, new SourceAddresses());
  }

  /**
   * Starts connecting {@code connection} to {@code target}. Its {@link LoadConnection#connected} or
   * {@link LoadConnection#closed} follows on its loop thread. Fails here only when no source
   * address could be bound at all.
   */
  public void connect(InetSocketAddress target, LoadConnection connection) throws IOException {
    ClientLoop loop = loops[Math.floorMod(nextLoop.getAndIncrement(), loops.length)];
    connection.loop = loop;
    BindException last = null;
    for (int attempt = 0; attempt < 100_000; attempt++) {
      InetSocketAddress source = sources.next();
      if (source.equals(target)) {
        continue; // a socket bound to its own destination would connect to itself
      }
      SocketChannel channel = SocketChannel.open();
      try {
        channel.configureBlocking(false);
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        channel.bind(source);
        boolean done = channel.connect(target);
        loop.register(channel, connection, done);
        return;
      } catch (BindException e) {
        // EADDRINUSE from bind or EADDRNOTAVAIL from connect: this pair is taken, try the next.
        channel.close();
        last = e;
      } catch (IOException | RuntimeException e) {
        channel.close();
        throw e;
      }
    }
    throw last;
  }

  /** CPU time used by the loop threads so far, in seconds (the generator's own cost). */
  public double loopCpuSeconds() {
    var threads = java.lang.management.ManagementFactory.getThreadMXBean();
    long nanos = 0;
    for (ClientLoop loop : loops) {
      long cpu = threads.getThreadCpuTime(loop.thread().threadId());
      nanos += Math.max(0, cpu);
    }
    return nanos / 1e9;
  }

  public int threads() {
    return loops.length;
  }

  /** Stops the loops (closing their connections) and waits for their threads to end. */
  @Override
  public void close() {
    try {
      for (ClientLoop loop : loops) {
        loop.close();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
