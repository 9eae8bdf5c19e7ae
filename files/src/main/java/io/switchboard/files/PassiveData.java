package io.switchboard.files;

import io.switchboard.engine.Application;
import io.switchboard.engine.Connection;
import io.switchboard.engine.FrameException;
import io.switchboard.engine.Handler;
import io.switchboard.engine.Server;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * A passive data connection (PASV, EPSV) served by the engine like any other connection: each
 * passive request starts a one-connection server of the session's own model on a port of the
 * passive range, so a download is queued with the model's {@code sendFile} (zero-copy where the
 * model allows) and an upload arrives through the model's reads, while the control connection goes
 * on being served. The server admits one connection ({@code maxConnections} 1), takes it only from
 * the control connection's peer address, waits for it at most the accept timeout, and is shut down
 * as soon as its one transfer ends.
 *
 * <p>Thread contract: everything that touches this link's state holds the session's lock (the
 * session's one lock, so data and control never wait for each other in two orders). The data
 * connection's callbacks come on its model's threads; {@link #start} and {@link #abort} from the
 * session. The server is shut down on a thread of its own: never on one of its own threads, never
 * under the lock.
 */
final class PassiveData implements DataLink, Handler<ByteBuffer> {
  private static final System.Logger LOG = System.getLogger(PassiveData.class.getName());

  private final FtpSession session;
  private final InetAddress peer;
  // Guarded by the session's lock:
  private Server server;
  private Connection connection;
  private boolean connectionEnded;
  private Transfer transfer;
  private boolean begun;
  private boolean finished;
  private boolean aborted;
  private IOException writeFailure;

  private PassiveData(FtpSession session, InetAddress peer) {
    this.session = session;
    this.peer = peer;
  }

  /**
   * Opens a passive port on {@code local} (the address the client reached the control connection
   * at) for the client at {@code peer}. Blocks while the server starts: call off the control
   * connection's thread.
   */
  static PassiveData open(
      FtpSession session, FilesServer files, InetAddress local, InetAddress peer)
      throws IOException {
    PassiveData data = new PassiveData(session, peer);
    Application<ByteBuffer> app =
        new Application<>("files-data", limits -> new RawBytes(), data, ByteBuffer.allocate(0));
    Server server = files.passivePorts().bind(local, app, files.dataLimits(), files.dataEngines());
    synchronized (session) {
      data.server = server;
    }
    files.schedule(files.settings().acceptTimeout(), data::acceptTimedOut);
    return data;
  }

  /** The port the client is to connect to. */
  int port() {
    synchronized (session) {
      return server.localAddress().getPort();
    }
  }

  @Override
  public void opened(Connection data) {
    synchronized (session) {
      InetAddress from = ((InetSocketAddress) data.remoteAddress()).getAddress();
      if (aborted || connection != null || !from.equals(peer)) {
        LOG.log(
            System.Logger.Level.WARNING,
            "refused a data connection from {0} (the session''s client is {1})",
            from.getHostAddress(),
            peer.getHostAddress());
        data.abort();
        return;
      }
      connection = data;
      data.pauseReading(); // no byte is taken before a transfer command says where it goes
      if (transfer != null) {
        begin();
      }
    }
  }

  @Override
  public void start(Transfer next) {
    transfer = next;
    if (connection != null && !connectionEnded) {
      begin();
    } else if (connectionEnded || aborted) {
      end(new IOException("the data connection closed before the transfer"));
    }
  }

  /** The connection and the transfer are both there: 150, then the bytes move. */
  private void begin() {
    if (!session.dataReady(transfer)) {
      return; // aborted meanwhile
    }
    begun = true;
    if (transfer instanceof Download) {
      pump();
    } else {
      connection.resumeReading();
    }
  }

  private void pump() {
    if (((Download) transfer).pump(connection)) {
      connection.close(); // flushes what is queued, then closed(null) reports the end
    }
  }

  @Override
  public void received(Connection data, ByteBuffer bytes) {
    Upload upload;
    synchronized (session) {
      upload = begun && data == connection && transfer instanceof Upload u ? u : null;
    }
    if (upload == null) {
      return; // bytes on a download's connection mean nothing
    }
    try {
      upload.write(bytes);
    } catch (IOException e) {
      synchronized (session) {
        writeFailure = e;
      }
      data.abort();
    }
  }

  @Override
  public void writabilityChanged(Connection data) {
    synchronized (session) {
      if (begun && !finished && data == connection && transfer instanceof Download) {
        pump();
      }
    }
  }

  @Override
  public void malformed(Connection data, FrameException error) {
    data.abort(); // raw bytes have no framing to break
  }

  @Override
  public void closed(Connection data, Throwable cause) {
    synchronized (session) {
      if (data != connection) {
        return; // a stranger refused in opened()
      }
      connectionEnded = true;
      if (begun && !finished) {
        Throwable failure = writeFailure != null ? new LocalWriteException(writeFailure) : cause;
        if (failure == null && transfer instanceof Download download && !download.fullyQueued()) {
          failure = new IOException("the client closed the data connection early");
        }
        end(failure);
      }
      shutdown();
    }
  }

  @Override
  public void abort() {
    aborted = true;
    if (connection != null) {
      connection.abort(); // closed() follows, on the connection's own thread
    }
    if (transfer != null && !begun) {
      end(new IOException("aborted before the data connection was used"));
    }
    shutdown();
  }

  private void acceptTimedOut() {
    synchronized (session) {
      if (connection != null || aborted) {
        return;
      }
      aborted = true;
      if (transfer != null) {
        end(new NoConnectionException("no data connection within the accept timeout"));
      }
      shutdown();
    }
  }

  private void end(Throwable failure) {
    if (!finished) {
      finished = true;
      session.dataEnded(transfer, failure);
    }
  }

  private void shutdown() {
    Server stopping = server;
    server = null;
    if (stopping != null) {
      Thread.ofVirtual().name("files-data-shutdown").start(stopping::shutdown);
    }
  }
}
