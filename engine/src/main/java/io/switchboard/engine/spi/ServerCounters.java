package io.switchboard.engine.spi;

import io.switchboard.engine.ServerStats;
import java.util.concurrent.atomic.LongAdder;

/**
 * The counters behind {@link ServerStats}, kept by the shared connection code so every model counts
 * the same things the same way. Adding is a {@link LongAdder} increment: cheap from any number of
 * threads at once, summed only when read.
 *
 * <p>Thread contract: any thread.
 */
final class ServerCounters implements ServerStats {
  private final ConnectionGroup group;
  final LongAdder accepted = new LongAdder();
  final LongAdder refused = new LongAdder();
  final LongAdder bytesIn = new LongAdder();
  final LongAdder bytesOut = new LongAdder();
  final LongAdder framesIn = new LongAdder();
  final LongAdder framesOut = new LongAdder();
  final LongAdder idleCloses = new LongAdder();
  final LongAdder frameTimeouts = new LongAdder();
  final LongAdder overflows = new LongAdder();
  final LongAdder handlerFailures = new LongAdder();

  ServerCounters(ConnectionGroup group) {
    this.group = group;
  }

  @Override
  public long accepted() {
    return accepted.sum();
  }

  @Override
  public long refused() {
    return refused.sum();
  }

  @Override
  public int open() {
    return group.count();
  }

  @Override
  public long bytesIn() {
    return bytesIn.sum();
  }

  @Override
  public long bytesOut() {
    return bytesOut.sum();
  }

  @Override
  public long framesIn() {
    return framesIn.sum();
  }

  @Override
  public long framesOut() {
    return framesOut.sum();
  }

  @Override
  public long queuedBytes() {
    return group.queuedBytes();
  }

  @Override
  public long idleCloses() {
    return idleCloses.sum();
  }

  @Override
  public long frameTimeouts() {
    return frameTimeouts.sum();
  }

  @Override
  public long overflows() {
    return overflows.sum();
  }

  @Override
  public long handlerFailures() {
    return handlerFailures.sum();
  }
}
