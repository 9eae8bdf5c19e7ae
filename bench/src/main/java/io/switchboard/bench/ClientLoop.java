package io.switchboard.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * One selector thread of the {@link LoadGenerator}: it owns the connections registered with it and
 * runs all their callbacks.
 *
 * <p>Thread contract: {@link #execute} and {@link #close} may be called from any thread; everything
 * else runs on the loop thread. Other threads hand work over through a task queue and a selector
 * wake-up, never by touching a connection directly.
 */
final class ClientLoop implements Runnable {
  /** How often ticking connections (paced senders) are called. */
  private static final long TICK_MILLIS = 1;

  private final Selector selector;
  private final Thread thread;
  private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();

  /** Read buffer shared by the loop's connections: one read at a time. */
  private final ByteBuffer readBuffer = ByteBuffer.allocate(2 * LoadConnection.MAX_LINE);

  private final List<LoadConnection> ticking = new ArrayList<>();
  private volatile boolean running = true;

  ClientLoop(String name) throws IOException {
    selector = Selector.open();
    thread = Thread.ofPlatform().name(name).daemon().unstarted(this);
  }

  void start() {
    thread.start();
  }

  Thread thread() {
    return thread;
  }

  void execute(Runnable task) {
    tasks.add(task);
    if (Thread.currentThread() != thread) {
      selector.wakeup();
    }
  }

  /** Registers a channel whose connect is in progress (or done); runs on the loop. */
  void register(SocketChannel channel, LoadConnection connection, boolean connectedAlready) {
    execute(
        () -> {
          connection.loop = this;
          connection.channel = channel;
          try {
            connection.key =
                channel.register(
                    selector,
                    connectedAlready ? SelectionKey.OP_READ : SelectionKey.OP_CONNECT,
                    connection);
          } catch (IOException e) {
            connection.fail(e);
            return;
          }
          if (connectedAlready) {
            connection.connected();
          }
        });
  }

  void startTicking(LoadConnection connection) {
    ticking.add(connection);
  }

  void stopTicking(LoadConnection connection) {
    ticking.remove(connection);
  }

  @Override
  public void run() {
    try {
      while (running) {
        long timeout = ticking.isEmpty() ? 0 : TICK_MILLIS;
        selector.select(this::handle, timeout);
        Runnable task;
        while ((task = tasks.poll()) != null) {
          task.run();
        }
        if (!ticking.isEmpty()) {
          long now = System.nanoTime();
          for (LoadConnection connection : List.copyOf(ticking)) {
            connection.tick(now);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      closeAll();
    }
  }

  private void handle(SelectionKey key) {
    LoadConnection connection = (LoadConnection) key.attachment();
    if (!key.isValid()) {
      return;
    }
    int ready = key.readyOps();
    if ((ready & SelectionKey.OP_CONNECT) != 0) {
      connection.finishConnect();
      return;
    }
    if ((ready & SelectionKey.OP_WRITE) != 0) {
      connection.writable();
    }
    if ((ready & SelectionKey.OP_READ) != 0 && key.isValid()) {
      connection.readable(readBuffer);
    }
  }

  private void closeAll() {
    for (SelectionKey key : selector.keys()) {
      if (key.attachment() instanceof LoadConnection connection) {
        connection.close();
      }
    }
    try {
      selector.close();
    } catch (IOException e) {
      // shutting down: nothing left to do about it
    }
  }

  /** Stops the loop, closing every connection it owns, and waits for the thread to end. */
  void close() throws InterruptedException {
    running = false;
    selector.wakeup();
    thread.join(TimeUnit.SECONDS.toMillis(10));
  }
}
