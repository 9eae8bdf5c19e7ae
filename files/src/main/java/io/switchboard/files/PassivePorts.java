package io.switchboard.files;

import io.switchboard.engine.Application;
import io.switchboard.engine.Engine;
import io.switchboard.engine.Limits;
import io.switchboard.engine.Server;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Where passive data servers listen: any free port, or a port of the configured range (vsftpd's
 * {@code pasv_min_port}/{@code pasv_max_port}, for a firewall that opens only those). Ports are
 * tried round-robin from where the last search stopped, so a port just released is not the first
 * one handed out again; a port in use (by us or anyone) is skipped, and when every port of the
 * range is busy the PASV gets a 425.
 *
 * <p>Thread contract: any thread.
 */
final class PassivePorts {
  private final FilesSettings.PortRange range;
  private final AtomicInteger next = new AtomicInteger();

  PassivePorts(FilesSettings.PortRange range) {
    this.range = range;
  }

  /** Starts {@code app} on a fresh engine at {@code address}, on a port of the range. */
  Server bind(InetAddress address, Application<?> app, Limits limits, Supplier<Engine> engines)
      throws IOException {
    if (range == null) {
      return engines.get().start(new InetSocketAddress(address, 0), app, limits);
    }
    int start = Math.floorMod(next.getAndIncrement(), range.size());
    for (int i = 0; i < range.size(); i++) {
      int port = range.first() + (start + i) % range.size();
      try {
        Server server = engines.get().start(new InetSocketAddress(address, port), app, limits);
        next.set(start + i + 1);
        return server;
      } catch (BindException e) {
        // In use: try the next one.
      }
    }
    throw new BindException("every passive port of " + range + " is in use");
  }
}
