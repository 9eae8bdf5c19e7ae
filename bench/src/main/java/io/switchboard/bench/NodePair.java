package io.switchboard.bench;

import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * The chat hub spread over two server processes that share one Redis ({@code serve --bus}), as the
 * two-node fan-out measures it: the receivers connect to one node, the senders to the other, so
 * every message crosses Redis. Its figures are the two processes' together (Redis's are not in
 * them: it runs beside the hub, as a database would).
 *
 * <p>Thread contract: as {@link ServerProcess}: one owner thread.
 */
final class NodePair implements ServerUnderTest {
  private final ServerProcess receivers;
  private final ServerProcess senders;

  NodePair(ServerProcess receivers, ServerProcess senders) {
    this.receivers = receivers;
    this.senders = senders;
  }

  @Override
  public InetSocketAddress address() {
    return receivers.address();
  }

  @Override
  public InetSocketAddress sendersAddress() {
    return senders.address();
  }

  @Override
  public ProcStats stats() throws IOException {
    ProcStats one = receivers.stats();
    ProcStats two = senders.stats();
    return new ProcStats(
        one.cpuSeconds() + two.cpuSeconds(),
        one.rssBytes() + two.rssBytes(),
        one.threads() + two.threads());
  }

  @Override
  public long pid() {
    return receivers.pid();
  }

  @Override
  public Stopped stop() throws InterruptedException {
    Stopped first = senders.stop();
    Stopped second = receivers.stop();
    return new Stopped(
        Math.max(first.seconds(), second.seconds()),
        first.exitStatus() != 0 ? first.exitStatus() : second.exitStatus());
  }

  /** True if both nodes still run (or were stopped on purpose). */
  boolean healthy() {
    return (receivers.isAlive() || receivers.wasStopped())
        && (senders.isAlive() || senders.wasStopped());
  }

  /** The last lines of the node that died, for the error message. */
  String lastOutput() {
    return receivers.isAlive() ? senders.lastOutput() : receivers.lastOutput();
  }
}
