package io.switchboard.bench;

import io.switchboard.engine.Application;
import io.switchboard.engine.Limits;
import io.switchboard.engine.Server;
import io.switchboard.engine.spi.EngineOptions;
import io.switchboard.engine.spi.Engines;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;

/** A server in the test's own JVM, measured through /proc of this process. */
final class InProcessServer implements ServerUnderTest, AutoCloseable {
  private final Server server;

  InProcessServer(String model, Application<?> app) throws IOException {
    server =
        Engines.named(model)
            .create(EngineOptions.DEFAULT)
            .start(
                new InetSocketAddress("127.0.0.1", 0),
                app,
                Limits.DEFAULT.withIdleTimeout(Duration.ZERO));
  }

  @Override
  public InetSocketAddress address() {
    return server.localAddress();
  }

  @Override
  public ProcStats stats() throws IOException {
    return ProcStats.self();
  }

  @Override
  public long pid() {
    return ProcessHandle.current().pid();
  }

  @Override
  public Stopped stop() {
    long start = System.nanoTime();
    server.shutdown();
    return new Stopped((System.nanoTime() - start) / 1e9, 0);
  }

  int connectionCount() {
    return server.connectionCount();
  }

  @Override
  public void close() {
    server.shutdown();
  }
}
