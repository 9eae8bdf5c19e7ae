package io.switchboard.chat.web;

import io.switchboard.chat.ChatEvent;
import io.switchboard.chat.Member;
import io.switchboard.chat.Session;
import io.switchboard.engine.Connection;
import io.switchboard.engine.FrameTimeoutException;
import java.nio.ByteBuffer;
import java.util.concurrent.ScheduledFuture;

/**
 * One browser tab (or any WebSocket client) once its connection has switched: how the hub reaches
 * it ({@link Member}), its session, its liveness (pings and pongs) and the closing handshake.
 *
 * <p>Once a Close frame has been sent nothing more may follow it (RFC 6455 §5.5.1): every frame
 * goes out through {@link #send}, under this object's monitor, which is also where the Close is
 * queued, so an event the hub delivers from another thread can never land after it. The monitor is
 * held only to queue bytes ({@link Connection#send} never blocks), so the hub may call {@link
 * #deliver} under a room's lock.
 *
 * <p>Thread contract, three ways in: the connection's handler context (the front's callbacks); the
 * hub, which calls {@link #deliver} and {@link #disconnect} from any thread; the front's timer,
 * which calls {@link #checkLiveness}. Shared fields are volatile or guarded by this.
 */
final class WebMember implements Member {
  private static final byte[] NO_DATA = new byte[0];

  final WebFront front;
  final Connection connection;

  /** Set once, in the handler context, right after the hub let the member in. */
  volatile Session session;

  /** Why this side closed, for the others' notice; set before the close. */
  volatile String closeReason;

  volatile ScheduledFuture<?> liveness;
  private volatile long lastHeardNanos = System.nanoTime();

  /** When the outstanding ping was sent; 0 when none is. */
  private volatile long pingSentNanos;

  /** When this side's Close frame was sent; 0 before. */
  private volatile long closeSentNanos;

  private boolean closeSent; // guarded by this

  WebMember(WebFront front, Connection connection) {
    this.front = front;
    this.connection = connection;
  }

  // ---- Member: the hub's side ------------------------------------------------------------------

  @Override
  public void deliver(ChatEvent event) {
    send(front.render(event));
  }

  /** The page shows what its user said where the room put it, so every tab shows one order. */
  @Override
  public boolean hearsOwnMessages() {
    return true;
  }

  @Override
  public long backlog() {
    return connection.queuedBytes();
  }

  /**
   * The hub drops this member (it does not read what it is sent): its place is given back at once;
   * the reason, then a Close frame (1008), follow what is already queued, if it ever reads them.
   */
  @Override
  public void disconnect(String reason) {
    closeReason = "too slow";
    byte[] error = WebSocket.text(WebFormat.error(WebFormat.TOO_SLOW, reason));
    byte[] close = WebSocket.close(WebSocket.POLICY_VIOLATION, "too slow");
    synchronized (this) {
      closeSent = true;
    }
    connection.drop(
        ByteBuffer.allocate(error.length + close.length).put(error).put(close).flip(), "too slow");
  }

  // ---- Output ----------------------------------------------------------------------------------

  /** Queues one frame, unless this side's Close went out already. */
  synchronized boolean send(byte[] frame) {
    return !closeSent && connection.send(frame);
  }

  /** Sends one JSON message of the protocol ({@link WebFormat}). */
  void message(byte[] json) {
    send(WebSocket.text(json));
  }

  /**
   * Starts the closing handshake: sends a Close frame with {@code code} and {@code reason}; the
   * connection closes when the client's Close answers it ({@link #closeReceived}), or at {@link
   * WebSettings#closeTimeout()}. False if this side's Close was sent already.
   */
  boolean startClose(int code, String reason) {
    synchronized (this) {
      if (closeSent) {
        return false;
      }
      closeSent = true;
      closeSentNanos = System.nanoTime();
      return connection.send(ByteBuffer.wrap(WebSocket.close(code, reason)));
    }
  }

  /**
   * Fails the connection (RFC 6455 §7.1.7): a Close frame with {@code code} and {@code reason},
   * then the connection closes without waiting for an answer, since nothing more will be read.
   */
  void fail(int code, String reason, String logReason) {
    startClose(code, reason);
    connection.close(logReason);
  }

  /**
   * The client's Close frame: the answer to this side's, or the client starting the handshake,
   * which this side answers with the same code before closing the connection (the server closes TCP
   * first, §7.1.1).
   */
  void closeReceived(WebSocketMessage.Close close) {
    if (startClose(close.code() == WebSocket.NO_STATUS ? WebSocket.NORMAL : close.code(), "")) {
      if (closeReason == null) {
        closeReason = close.reason().isEmpty() ? "page closed" : close.reason();
      }
      connection.close("closed by the peer");
    } else {
      connection.close();
    }
  }

  // ---- Liveness: the timer's side --------------------------------------------------------------

  /** Something came from the client: it is alive, whatever it sent. */
  void heard() {
    lastHeardNanos = System.nanoTime();
    pingSentNanos = 0;
  }

  /**
   * Run by the front's timer: closes a connection whose Close went unanswered, fails one that did
   * not answer a ping in time, and pings one that has been silent. Only sends and closes.
   */
  void checkLiveness() {
    if (!connection.isOpen()) {
      return;
    }
    WebSettings settings = front.settings();
    long now = System.nanoTime();
    long closing = closeSentNanos;
    if (closing != 0) {
      if (now - closing > settings.closeTimeout().toNanos()) {
        connection.close("no answer to the close frame");
      }
      return;
    }
    long ping = pingSentNanos;
    if (ping != 0) {
      if (now - ping > settings.pingTimeout().toNanos()) {
        closeReason = "ping timeout";
        fail(
            WebSocket.POLICY_VIOLATION,
            "no answer to a ping within " + FrameTimeoutException.seconds(settings.pingTimeout()),
            "ping timeout");
      }
    } else if (now - lastHeardNanos > settings.pingInterval().toNanos()) {
      pingSentNanos = now;
      send(WebSocket.ping(NO_DATA));
    }
  }

  @Override
  public String toString() {
    Session current = session;
    return "web client "
        + (current == null ? "?" : current.name())
        + " ("
        + connection.remoteAddress()
        + ")";
  }
}
