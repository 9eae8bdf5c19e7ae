package io.switchboard.engine.spi;

import io.switchboard.engine.Application;
import io.switchboard.engine.AttributeKey;
import io.switchboard.engine.Connection;
import io.switchboard.engine.Decoder;
import io.switchboard.engine.FrameException;
import io.switchboard.engine.FrameTimeoutException;
import io.switchboard.engine.Handler;
import io.switchboard.engine.IdleTimeoutException;
import io.switchboard.engine.Limits;
import io.switchboard.engine.OutboundOverflowException;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What every model's connection shares, written once: the state machine (open, closing, closed),
 * decoding and dispatch to the handler, the outbound queue with its water marks and hard cap, pause
 * and resume, idle bookkeeping and attributes. A model adds only how it waits and wakes: the four
 * hooks at the bottom.
 *
 * <p>A handler (or a decoder) that throws costs its own connection only, the same way on every
 * model, because every call into them is made here: the failure is logged once with the connection
 * and the cause, the connection is aborted, {@code closed} is called with the cause, and the
 * model's thread goes on serving everyone else.
 *
 * <p>Thread contract: the public {@link Connection} methods may be called from any thread. The
 * {@code protected final} methods that start with {@code on} must be called in the connection's
 * <em>handler context</em>, which the model defines (the reader thread holding the callback lock
 * for blocking models, the event loop for the others) and which {@link #runInContext} enters. Only
 * one thread at a time may be the consumer of the outbound queue: the one whose {@link
 * OutboundQueue#claimFlush()} succeeded, until {@link #drainTo} releases it.
 *
 * @param <F> the application's frame type
 */
public abstract class AbstractConnection<F> implements Connection {
  private static final System.Logger LOG = System.getLogger(AbstractConnection.class.getName());
  private static final System.Logger EVENTS = System.getLogger("io.switchboard.connections");
  private static final int OPEN = 0;
  private static final int CLOSING = 1;
  private static final int CLOSED = 2;
  private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);
  private static final long NO_FRAME = Long.MIN_VALUE;
  private static final long NO_DEADLINE = Long.MIN_VALUE;

  private final long id;
  private final SocketAddress remoteAddress;
  private final SocketAddress localAddress;
  private final ConnectionGroup group;
  private final Handler<F> handler;
  private final Decoder<F> decoder;
  private final Decoder.FrameSink<F> sink = this::deliver;
  protected final OutboundQueue outbound;
  // Updated through VarHandles, not Atomic* objects: every connection has these, and an atomic
  // object each would cost an idle connection more than the fields themselves.
  private static final VarHandle STATE;
  private static final VarHandle HOLDS_PLACE;

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      STATE = lookup.findVarHandle(AbstractConnection.class, "state", int.class);
      HOLDS_PLACE = lookup.findVarHandle(AbstractConnection.class, "holdsPlace", boolean.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private volatile int state = OPEN;
  private volatile boolean readingPaused;
  private volatile long lastActivityNanos = System.nanoTime();

  /** When the frame the decoder holds began to arrive; {@link #NO_FRAME} while none is partial. */
  private volatile long frameStartedNanos = NO_FRAME;

  /** Set by {@link #drop}: when an undelivered drop is aborted; {@link #NO_DEADLINE} otherwise. */
  private volatile long dropDeadlineNanos = NO_DEADLINE;

  /** True while this connection counts against the group's limit; see {@link #drop}. */
  @SuppressWarnings("unused") // through HOLDS_PLACE
  private volatile boolean holdsPlace = true;

  /** Gives the connection's place back; true only for the first call (see ConnectionGroup). */
  final boolean releasePlace() {
    return HOLDS_PLACE.compareAndSet(this, true, false);
  }

  private volatile ConcurrentHashMap<AttributeKey<?>, Object> attributes;

  /** Why the connection closed, for the log; the first reason given wins. */
  private volatile String closeReason;

  private final long openedNanos = System.nanoTime();
  private final ServerCounters counters;
  private long bytesRead; // handler context
  // Handler-context only:
  private boolean openedFired;
  private boolean decoderFailed;
  private boolean pausedWhileDelivering;

  protected AbstractConnection(
      ConnectionGroup group,
      Application<F> app,
      SocketAddress remoteAddress,
      SocketAddress localAddress) {
    this.id = group.nextId();
    this.remoteAddress = remoteAddress;
    this.localAddress = localAddress;
    this.group = group;
    this.handler = app.handler();
    this.decoder = app.decoders().apply(group.limits());
    this.counters = group.counters();
    this.outbound = new OutboundQueue(group.limits(), this::writabilityFlipped, counters.bytesOut);
  }

  // ---- Connection (any thread) ---------------------------------------------------------------

  @Override
  public final long id() {
    return id;
  }

  @Override
  public final SocketAddress remoteAddress() {
    return remoteAddress;
  }

  @Override
  public final SocketAddress localAddress() {
    return localAddress;
  }

  @Override
  public final boolean send(ByteBuffer bytes) {
    return state == OPEN && queued(outbound.add(bytes));
  }

  @Override
  public final boolean send(byte[] bytes) {
    return state == OPEN && queued(outbound.add(bytes));
  }

  @Override
  public final boolean sendFile(FileChannel file, long position, long count) {
    return state == OPEN && queued(outbound.add(file, position, count));
  }

  /** After an add: aborts if it overflowed, else wakes the writer once per batch. */
  private boolean queued(boolean added) {
    if (!added) {
      counters.overflows.increment();
      abort(new OutboundOverflowException(outbound.queuedBytes(), group.limits().maxQueuedBytes()));
      return false;
    }
    counters.framesOut.increment();
    if (outbound.claimFlush()) {
      flushRequested();
    }
    return true;
  }

  @Override
  public final boolean isWritable() {
    return outbound.isWritable();
  }

  @Override
  public final long queuedBytes() {
    return outbound.queuedBytes();
  }

  @Override
  public final void pauseReading() {
    if (!readingPaused) {
      readingPaused = true;
      readingChanged(true);
    }
  }

  @Override
  public final void resumeReading() {
    if (readingPaused) {
      readingPaused = false;
      if (frameStartedNanos != NO_FRAME) {
        frameStartedNanos = System.nanoTime(); // the pause was the server's, not the peer's
      }
      readingChanged(false);
    }
  }

  @Override
  public final void close(String reason) {
    giveReason(reason == null ? "closed by the server" : reason);
    if (STATE.compareAndSet(this, OPEN, CLOSING) && outbound.claimFlush()) {
      flushRequested(); // the consumer closes once the queue is empty (see drainTo)
    }
  }

  @Override
  public final void abort(String reason) {
    abort(reason == null ? "aborted by the server" : reason, null);
  }

  @Override
  public final void drop(ByteBuffer lastWords, String reason) {
    if (!STATE.compareAndSet(this, OPEN, CLOSING)) {
      return;
    }
    giveReason(reason == null ? "dropped by the server" : reason);
    // Closing first, so no other send lands after the last words (one already past its state
    // check may still); if the consumer closes on an empty queue before the words are added, the
    // peer had read everything and simply sees the end.
    dropDeadlineNanos = System.nanoTime() + group.limits().dropTimeout().toNanos();
    group.givePlaceBack(this);
    if (!outbound.add(lastWords)) {
      abort(new OutboundOverflowException(outbound.queuedBytes(), group.limits().maxQueuedBytes()));
      return;
    }
    if (outbound.claimFlush()) {
      flushRequested(); // the consumer closes once the queue is empty (see drainTo)
    }
  }

  /** Closes now, discarding queued output, and tells the handler {@code cause}. Any thread. */
  public final void abort(Throwable cause) {
    abort(null, cause);
  }

  /**
   * Closes now, discarding queued output; logs {@code reason} (or one told by {@code cause}) and
   * tells the handler {@code cause}. Any thread.
   */
  public final void abort(String reason, Throwable cause) {
    if (reason != null) {
      giveReason(reason);
    }
    if ((int) STATE.getAndSet(this, CLOSED) == CLOSED) {
      return;
    }
    outbound.clear();
    closeChannel();
    group.unregister(this);
    logClosed(cause);
    runInContext(
        () -> {
          if (openedFired) {
            try {
              handler.closed(this, cause);
            } catch (RuntimeException e) {
              LOG.log(Level.WARNING, this + ": the handler failed in closed()", e);
            }
          }
        });
  }

  @Override
  public final boolean isOpen() {
    return state == OPEN;
  }

  /** True once the connection is fully closed (not just closing). */
  public final boolean isClosed() {
    return state == CLOSED;
  }

  public final boolean isReadingPaused() {
    return readingPaused;
  }

  @Override
  @SuppressWarnings("unchecked")
  public final <T> T attribute(AttributeKey<T> key) {
    ConcurrentHashMap<AttributeKey<?>, Object> map = attributes;
    return map == null ? null : (T) map.get(key);
  }

  @Override
  @SuppressWarnings("unchecked")
  public final <T> T attribute(AttributeKey<T> key, T value) {
    ConcurrentHashMap<AttributeKey<?>, Object> map = attributes;
    if (map == null) {
      if (value == null) {
        return null;
      }
      synchronized (this) {
        map = attributes;
        if (map == null) {
          attributes = map = new ConcurrentHashMap<>(4);
        }
      }
    }
    return (T) (value == null ? map.remove(key) : map.put(key, value));
  }

  @Override
  public String toString() {
    return "connection " + id + " from " + remoteAddress;
  }

  /**
   * The server is shutting down: lets the handler say goodbye ({@link Handler#stopping}), then
   * closes once the output is written. Any thread.
   */
  final void serverStopping() {
    giveReason("server shutdown");
    runInContext(
        () -> {
          if (openedFired && state == OPEN) {
            try {
              handler.stopping(this);
            } catch (RuntimeException e) {
              LOG.log(Level.WARNING, this + ": the handler failed in stopping()", e);
            }
          }
          close("server shutdown");
        });
  }

  /** Records why the connection is closing, unless a reason was given already. */
  private void giveReason(String reason) {
    if (closeReason == null) {
      closeReason = reason;
    }
  }

  private void logClosed(Throwable cause) {
    if (!EVENTS.isLoggable(Level.INFO)) {
      return;
    }
    String reason = closeReason != null ? closeReason : reasonFor(cause);
    EVENTS.log(
        Level.INFO,
        "{0}: {1} closed: {2} (after {3}, {4} in, {5} out)",
        group.application().name(),
        this,
        reason,
        Sizes.duration(System.nanoTime() - openedNanos),
        Sizes.bytes(bytesRead),
        Sizes.bytes(outbound.totalWritten()));
  }

  /** What a cause means for the log, in the words an operator looks for. */
  static String reasonFor(Throwable cause) {
    if (cause == null) {
      return "closed by the server";
    }
    if (cause instanceof IdleTimeoutException idle) {
      return "idle (" + idle.getMessage() + ")";
    }
    if (cause instanceof OutboundOverflowException) {
      return "output overflowed (the peer reads too slowly)";
    }
    if (cause instanceof IOException io) {
      String message = String.valueOf(io.getMessage());
      if (message.contains("reset")) {
        return "reset by the peer";
      }
      if (message.contains("Broken pipe")) {
        return "the peer went away (broken pipe)";
      }
      return "connection error: " + message;
    }
    return "the handler failed: " + cause;
  }

  // ---- For the model, in the handler context --------------------------------------------------

  /** Tells the handler the connection is open. Call once, before any bytes are read. */
  protected final void onOpened() {
    if (state != CLOSED) {
      openedFired = true;
      try {
        handler.opened(this);
      } catch (RuntimeException e) {
        handlerFailed("opened()", e);
      }
    }
  }

  /**
   * Decodes what one read returned and hands every complete frame to the handler, stopping early if
   * the handler pauses reading or closes. {@code in} may be reused once this returns.
   *
   * @return true if the model should keep reading
   */
  protected final boolean onRead(ByteBuffer in) {
    touch();
    int count = in.remaining();
    if (count > 0) {
      bytesRead += count;
      counters.bytesIn.add(count);
    }
    if (!decoderFailed && state == OPEN) {
      try {
        decoder.decode(in, sink);
      } catch (FrameException e) {
        decoderFailed = true;
        malformed(e);
      } catch (RuntimeException e) {
        decoderFailed = true;
        handlerFailed("its decoder", e);
      }
      updateFrameClock();
    }
    in.position(in.limit());
    return wantsToRead();
  }

  /** Hands out frames kept while reading was paused; call when reading resumes. */
  protected final boolean onResume() {
    return onRead(EMPTY);
  }

  /**
   * The peer closed its side: deliver what is left, then close after the output drains. If the
   * handler pauses reading on the way, the frames after the pause are kept and nothing closes yet:
   * the model calls this again once reading resumes (for a socket, reading again simply finds the
   * end of input again).
   *
   * @return true if the input is finished and the connection is closing; false if the handler
   *     paused reading first
   */
  protected final boolean onEndOfInput() {
    giveReason("closed by the peer");
    if (!decoderFailed && state == OPEN) {
      pausedWhileDelivering = false;
      try {
        decoder.finish(sink);
      } catch (FrameException e) {
        malformed(e);
      } catch (RuntimeException e) {
        handlerFailed("its decoder", e);
      }
      if (pausedWhileDelivering && state == OPEN) {
        return false;
      }
    }
    close();
    return true;
  }

  /** True while the connection is open and the handler has not paused reading. */
  protected final boolean wantsToRead() {
    return state == OPEN && !readingPaused && !decoderFailed;
  }

  private boolean deliver(F frame) {
    if (state != OPEN) {
      return false;
    }
    counters.framesIn.increment();
    try {
      handler.received(this, frame);
    } catch (RuntimeException e) {
      handlerFailed("received()", e);
      return false;
    }
    if (readingPaused) {
      pausedWhileDelivering = true;
      return false;
    }
    return true;
  }

  private void malformed(FrameException error) {
    try {
      handler.malformed(this, error);
    } catch (RuntimeException e) {
      handlerFailed("malformed()", e);
    }
  }

  /** The one failure policy: log once, abort this connection, serve everyone else. */
  private void handlerFailed(String where, RuntimeException e) {
    if (state != CLOSED) {
      counters.handlerFailures.increment();
      LOG.log(Level.WARNING, this + ": the handler failed in " + where + "; aborting it", e);
      abort("the handler failed in " + where, e);
    }
  }

  private void writabilityFlipped() {
    runInContext(
        () -> {
          if (openedFired && state != CLOSED) {
            try {
              handler.writabilityChanged(this);
            } catch (RuntimeException e) {
              handlerFailed("writabilityChanged()", e);
            }
          }
        });
  }

  // ---- For the model, as the outbound queue's consumer ---------------------------------------

  /**
   * Writes queued output to {@code channel} until the queue is empty or the channel is full,
   * copying bytes through {@code buffer} (see {@link OutboundQueue#writeTo}). When the queue is
   * empty the flush is released, and a closing connection is closed.
   *
   * @return true if everything was written; false if the channel is full and the model must call
   *     again once it is writable (the flush stays claimed meanwhile)
   */
  protected final boolean drainTo(WritableByteChannel channel, ByteBuffer buffer)
      throws IOException {
    while (true) {
      long before = outbound.totalWritten();
      boolean full = outbound.writeTo(channel, buffer);
      if (outbound.totalWritten() != before) {
        touch(); // progress only: a full socket written to in vain is no sign of life
      }
      if (full) {
        return state == CLOSED; // aborted meanwhile: nothing left to wait for
      }
      if (!queueDrained()) {
        return true;
      }
    }
  }

  /**
   * The consumer found the outbound queue empty: releases the flush and closes a closing
   * connection. Models whose writes complete later ({@code aio}, {@code netty}) call this where
   * {@link #drainTo} would have returned true.
   *
   * @return true if output arrived meanwhile: the caller is still the consumer and must write it
   */
  protected final boolean queueDrained() {
    if (outbound.releaseFlush()) {
      return true;
    }
    if (state == CLOSING && outbound.isEmpty()) {
      abort((Throwable) null);
    }
    return false;
  }

  /** Records activity for the idle and close timeouts. */
  protected final void touch() {
    lastActivityNanos = System.nanoTime();
  }

  /** Starts or stops the frame clock after a decode (handler context). */
  private void updateFrameClock() {
    if (decoderFailed || state != OPEN || !decoder.inFrame()) {
      frameStartedNanos = NO_FRAME;
    } else if (frameStartedNanos == NO_FRAME) {
      frameStartedNanos = System.nanoTime();
    }
  }

  /**
   * Enforces the timeouts of {@code limits} at {@code nowNanos}: a closing connection whose output
   * made no progress for {@link Limits#closeTimeout()} is aborted, so is a dropped one past {@link
   * Limits#dropTimeout()}, an idle one is aborted, and a frame begun longer than {@link
   * Limits#frameTimeout()} ago is reported to the handler. Called by the group's sweep thread.
   */
  final void sweep(long nowNanos, Limits limits) {
    int current = state;
    long quiet = nowNanos - lastActivityNanos;
    if (current == CLOSING) {
      long dropDeadline = dropDeadlineNanos;
      if (dropDeadline != NO_DEADLINE && nowNanos - dropDeadline > 0) {
        abort(
            null, // the reason given to drop() is the one logged
            new IOException(
                "dropped, and the peer did not take the last words within "
                    + limits.dropTimeout().toMillis()
                    + " ms"));
      } else if (quiet > limits.closeTimeout().toNanos()) {
        abort(
            "closing, and the peer read nothing for " + Sizes.duration(quiet),
            new IOException(
                "closing, and the peer read nothing for "
                    + limits.closeTimeout().toMillis()
                    + " ms"));
      }
      return;
    }
    if (current != OPEN) {
      return;
    }
    if (limits.hasIdleTimeout() && quiet > limits.idleTimeout().toNanos()) {
      counters.idleCloses.increment();
      abort(new IdleTimeoutException(limits.idleTimeout()));
      return;
    }
    long started = frameStartedNanos;
    if (limits.hasFrameTimeout()
        && started != NO_FRAME
        && !readingPaused
        && nowNanos - started > limits.frameTimeout().toNanos()) {
      frameStartedNanos = NO_FRAME; // told once
      runInContext(() -> frameTimedOut(limits.frameTimeout()));
    }
  }

  private void frameTimedOut(Duration timeout) {
    if (state == OPEN && !decoderFailed && decoder.inFrame()) {
      decoderFailed = true; // nothing more is read: the app answers and closes
      counters.frameTimeouts.increment();
      giveReason("frame not complete within " + FrameTimeoutException.seconds(timeout));
      malformed(new FrameTimeoutException(timeout));
    }
  }

  // ---- What the model provides ---------------------------------------------------------------

  /**
   * Output is waiting and this thread has claimed the flush: write it (now, or by waking the thread
   * that writes) by calling {@link #drainTo}. Called from any thread.
   */
  protected abstract void flushRequested();

  /** The handler paused or resumed reading. Called from any thread. */
  protected abstract void readingChanged(boolean paused);

  /**
   * Releases the socket now; a reader or writer blocked on it must return. Called once, from any
   * thread.
   */
  protected abstract void closeChannel();

  /** Runs {@code task} in the handler context, after tasks already submitted. Any thread. */
  protected abstract void runInContext(Runnable task);
}
