package io.switchboard.engine.blocking;

import io.switchboard.engine.spi.EngineOptions;
import io.switchboard.engine.spi.EngineProvider;

/**
 * A platform thread per connection, the classic threading server. Who waits: each connection's own
 * reader thread blocks in {@code read()}, and its own writer thread in {@code write()}. Who runs
 * the handler: the reader thread. Simple and fast for tens or hundreds of clients; every connection
 * costs two kernel threads with their stacks, which is what breaks it towards C10K.
 */
public final class ThreadPerConnectionEngine extends BlockingEngine {

  public ThreadPerConnectionEngine(EngineOptions options) {
    super("threads", options);
  }

  @Override
  protected void serve(Runnable readLoop, ConnectionAwaiter awaiter) {
    Thread.ofPlatform().name("threads-reader").start(readLoop);
  }

  @Override
  protected Thread startWriter(Runnable writeLoop, String name) {
    return Thread.ofPlatform().name(name).daemon(true).start(writeLoop);
  }

  /** Registers the model. */
  public static final class Provider extends EngineProvider {
    public Provider() {
      super(
          "threads",
          20,
          "a platform thread per connection (plus one writer each)",
          options -> new ThreadPerConnectionEngine(options));
    }
  }
}
