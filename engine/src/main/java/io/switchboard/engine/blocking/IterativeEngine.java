package io.switchboard.engine.blocking;

import io.switchboard.engine.spi.EngineOptions;
import io.switchboard.engine.spi.EngineProvider;

/**
 * One client at a time, the loop server every lesson starts from. Who waits: the acceptor thread
 * blocks in {@code accept()}, then in that client's {@code read()}. Who runs the handler: the same
 * thread. The next client is accepted only when the current one has closed; until then it waits in
 * the kernel's listen backlog (connected, but unanswered).
 */
public final class IterativeEngine extends BlockingEngine {

  public IterativeEngine(EngineOptions options) {
    super("iterative", options);
  }

  @Override
  protected void serve(Runnable readLoop, ConnectionAwaiter awaiter) {
    readLoop.run();
    try {
      awaiter.awaitClosed(); // queued output drains before the next client is accepted
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Registers the model. */
  public static final class Provider extends EngineProvider {
    public Provider() {
      super(
          "iterative",
          10,
          "one client at a time; the next waits in the backlog",
          options -> new IterativeEngine(options));
    }

    @Override
    public boolean concurrent() {
      return false;
    }
  }
}
