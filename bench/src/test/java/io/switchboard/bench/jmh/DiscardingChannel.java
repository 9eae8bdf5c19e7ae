package io.switchboard.bench.jmh;

import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;

/**
 * A channel that takes every byte at once and keeps none: a socket with an endless send buffer, so
 * a benchmark measures the code in front of it, not the kernel.
 */
final class DiscardingChannel implements GatheringByteChannel {
  @Override
  public long write(ByteBuffer[] sources, int offset, int length) {
    long total = 0;
    for (int i = offset; i < offset + length; i++) {
      total += sources[i].remaining();
      sources[i].position(sources[i].limit());
    }
    return total;
  }

  @Override
  public long write(ByteBuffer[] sources) {
    return write(sources, 0, sources.length);
  }

  @Override
  public int write(ByteBuffer source) {
    int n = source.remaining();
    source.position(source.limit());
    return n;
  }

  @Override
  public boolean isOpen() {
    return true;
  }

  @Override
  public void close() {}
}
