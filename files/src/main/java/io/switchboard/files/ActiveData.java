package io.switchboard.files;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;

/**
 * An active-mode data connection (PORT, EPRT): the server connects to the client. The engine
 * contract accepts connections and never makes them, so on every model this runs on a virtual
 * thread of its own, in plain blocking code: connect within the connect timeout, then {@link
 * Download#copyTo} (sendfile) or a read loop into the {@link Upload}. There is at most one per
 * session and sessions are bounded by {@code maxConnections}, so these threads are bounded too. A
 * watchdog closes the socket when no byte moved for the data connection timeout.
 *
 * <p>Thread contract: {@link #start} and {@link #abort} under the session's lock; the transfer runs
 * on its own virtual thread and calls the session without holding anything.
 */
final class ActiveData implements DataLink {
  private static final int READ_BUFFER = 64 * 1024;

  private final FtpSession session;
  private final FilesServer files;
  private final InetSocketAddress client;
  // Guarded by the session's lock:
  private SocketChannel socket;
  private boolean aborted;
  private volatile long lastProgressNanos = System.nanoTime();
  private volatile boolean running;

  ActiveData(FtpSession session, FilesServer files, InetSocketAddress client) {
    this.session = session;
    this.files = files;
    this.client = client;
  }

  @Override
  public void start(Transfer transfer) {
    Thread.ofVirtual().name("files-active").start(() -> run(transfer));
  }

  private void run(Transfer transfer) {
    SocketChannel channel;
    try {
      channel = SocketChannel.open();
      synchronized (session) {
        if (aborted) {
          channel.close();
          session.dataEnded(transfer, new IOException("aborted"));
          return;
        }
        socket = channel;
      }
      channel.socket().connect(client, (int) files.settings().connectTimeout().toMillis());
    } catch (IOException e) {
      close();
      session.dataEnded(transfer, new NoConnectionException("cannot connect to " + client));
      return;
    }
    if (!session.dataReady(transfer)) {
      close();
      session.dataEnded(transfer, new IOException("aborted"));
      return;
    }
    running = true;
    watch(files.settings().dataConnectionTimeout());
    Throwable failure = null;
    try {
      if (transfer instanceof Download download) {
        download.copyTo(channel, this::progress);
      } else {
        receive(channel, (Upload) transfer);
      }
    } catch (IOException e) {
      failure = e;
    } finally {
      running = false;
      close();
    }
    session.dataEnded(transfer, failure);
  }

  private void receive(SocketChannel channel, Upload upload) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(READ_BUFFER);
    while (channel.read(buffer) >= 0) {
      buffer.flip();
      try {
        upload.write(buffer);
      } catch (IOException e) {
        throw new LocalWriteException(e);
      }
      buffer.clear();
      progress();
    }
  }

  private void progress() {
    lastProgressNanos = System.nanoTime();
  }

  /** Closes the socket when nothing moved for {@code timeout}; checks four times per timeout. */
  private void watch(Duration timeout) {
    files.schedule(
        timeout.dividedBy(4),
        () -> {
          if (!running) {
            return;
          }
          if (System.nanoTime() - lastProgressNanos > timeout.toNanos()) {
            close();
          } else {
            watch(timeout);
          }
        });
  }

  @Override
  public void abort() {
    aborted = true;
    close();
  }

  private void close() {
    SocketChannel channel;
    synchronized (session) {
      channel = socket;
    }
    if (channel != null) {
      try {
        channel.close(); // a thread blocked on it returns with an exception
      } catch (IOException e) {
        // Closing is all we wanted.
      }
    }
  }
}
