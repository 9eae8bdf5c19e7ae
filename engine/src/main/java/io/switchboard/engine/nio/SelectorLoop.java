package io.switchboard.engine.nio;

import io.switchboard.engine.spi.Quietly;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.util.ArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The select loop, written once: one thread, one {@link Selector}. The {@code select} model runs
 * one of these that also accepts; the {@code reactor} runs N of them fed by an acceptor thread.
 *
 * <p>Interest follows need: OP_READ while the handler wants input (removing it is the backpressure:
 * the kernel buffer fills and TCP stops the peer), OP_WRITE only while output is stalled on a full
 * socket (registering it otherwise would wake the loop on every pass, since a socket is nearly
 * always writable). On accept failure (out of descriptors) OP_ACCEPT is dropped for a short
 * backoff, because the pending connection would make every select return at once.
 *
 * <p>Thread contract: as {@link EventLoop}; everything here runs on the loop thread except {@link
 * #wakeup}.
 */
final class SelectorLoop extends EventLoop {
  private final Selector selector;
  private final Acceptor<?, ?> acceptor;
  private final SelectionKey acceptKey;

  /** Made once: the select call takes a consumer, so no selected-key set or iterator per pass. */
  private final Consumer<SelectionKey> onReady = this::ready;

  private boolean acceptPaused;
  private long acceptResumeAt;

  /**
   * @param acceptOn the non-blocking listener this loop also accepts on, or null when another
   *     thread accepts
   * @param acceptor what accepts on it, or null
   */
  SelectorLoop(
      String name, Selector selector, ServerSocketChannel acceptOn, Acceptor<?, ?> acceptor)
      throws IOException {
    super(name);
    this.selector = selector;
    this.acceptor = acceptor;
    this.acceptKey =
        acceptOn == null ? null : acceptOn.register(selector, SelectionKey.OP_ACCEPT, acceptor);
  }

  Selector selector() {
    return selector;
  }

  @Override
  void wakeup() {
    selector.wakeup();
  }

  @Override
  protected void awaitAndProcess(boolean worked) throws IOException {
    if (worked || hasTasks()) {
      selector.selectNow(onReady);
    } else if (acceptPaused) {
      long millis = TimeUnit.NANOSECONDS.toMillis(acceptResumeAt - System.nanoTime());
      selector.select(onReady, Math.max(1, millis));
    } else {
      selector.select(onReady);
    }
    if (acceptPaused && System.nanoTime() - acceptResumeAt >= 0) {
      acceptPaused = false;
      if (acceptKey.isValid()) {
        acceptKey.interestOps(SelectionKey.OP_ACCEPT);
      }
    }
  }

  private void ready(SelectionKey key) {
    if (!key.isValid()) {
      return;
    }
    if (!(key.attachment() instanceof NioConnection<?> connection)) {
      accept();
      return;
    }
    int ready = key.readyOps();
    if ((ready & SelectionKey.OP_WRITE) != 0) {
      connection.writeReady(); // first: it frees socket buffer space the reads' replies will need
    }
    if ((ready & SelectionKey.OP_READ) != 0) {
      readAndFlush(connection);
    }
    runDeferred();
  }

  private void accept() {
    if (acceptor.acceptAvailable(this) < 0) {
      acceptKey.interestOps(0);
      acceptPaused = true;
      acceptResumeAt = System.nanoTime() + Acceptor.BACKOFF_NANOS;
    }
  }

  @Override
  void register(NioConnection<?> connection) {
    SelectionKey key;
    try {
      key =
          ((SelectableChannel) connection.channel())
              .register(selector, SelectionKey.OP_READ, connection);
    } catch (ClosedChannelException e) {
      return; // aborted before it got here (idle sweep, shutdown); nothing to tell anyone
    }
    connection.registered(new KeyReadiness(key));
  }

  /** A connection's wishes, kept where the selector reads them: its key's interest set. */
  private record KeyReadiness(SelectionKey key) implements Readiness {
    @Override
    public void interest(boolean read, boolean write) {
      if (key.isValid()) {
        key.interestOps((read ? SelectionKey.OP_READ : 0) | (write ? SelectionKey.OP_WRITE : 0));
      }
    }

    @Override
    public void cancel() {
      key.cancel();
    }
  }

  @Override
  protected void closeResources() {
    for (SelectionKey key : new ArrayList<>(selector.keys())) {
      if (key.attachment() instanceof NioConnection<?> connection) {
        connection.abort(new IOException("event loop stopped"));
      }
    }
    Quietly.close(selector);
  }
}
