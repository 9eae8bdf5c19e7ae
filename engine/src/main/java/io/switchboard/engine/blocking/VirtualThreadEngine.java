package io.switchboard.engine.blocking;

import io.switchboard.engine.spi.EngineOptions;
import io.switchboard.engine.spi.EngineProvider;

/**
 * A virtual thread per connection: plain blocking code, scheduled by the JDK. Who waits: the
 * connection's virtual thread "blocks" in {@code read()}, which really parks it and hands the
 * socket to the JDK's poller (epoll), freeing the carrier thread. Who runs the handler: that
 * virtual thread, on one of a few carrier threads (one per core). The writing style of {@code
 * threads} at a cost per connection close to an event loop's.
 */
public final class VirtualThreadEngine extends BlockingEngine {

  public VirtualThreadEngine(EngineOptions options) {
    super("virtual", options);
  }

  @Override
  protected void serve(Runnable readLoop, ConnectionAwaiter awaiter) {
    Thread.ofVirtual().name("virtual-reader").start(readLoop);
  }

  /** Registers the model. */
  public static final class Provider extends EngineProvider {
    public Provider() {
      super(
          "virtual",
          40,
          "a virtual thread per connection, plain blocking code",
          options -> new VirtualThreadEngine(options));
    }
  }
}
