package io.switchboard.engine.blocking;

import io.switchboard.engine.EngineOptions;
import io.switchboard.engine.ModelProvider;

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

  /** The writer is a virtual thread: it exists only so other threads' sends never block. */
  @Override
  protected Thread startWriter(Runnable writeLoop, String name) {
    return Thread.ofVirtual().name(name).start(writeLoop);
  }

  /** Registers the model. */
  public static final class Provider extends ModelProvider {
    public Provider() {
      super(
          "iterative",
          "one client at a time; the next waits in the backlog",
          options -> new IterativeEngine(options));
    }

    @Override
    public boolean concurrent() {
      return false;
    }
  }
}
