package io.switchboard.testkit;

import io.switchboard.engine.Application;
import io.switchboard.engine.Connection;
import io.switchboard.engine.FrameException;
import io.switchboard.engine.Handler;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Wraps an application's handler to record, per connection, what the server saw: frames, the first
 * time the connection turned unwritable, how it closed, and whether the engine ever broke the
 * one-thread-at-a-time rule. Tests assert on these instead of guessing from the client side.
 */
public final class ProbeHandler<F> implements Handler<F> {

  /** What one connection went through, as seen by the handler. */
  // Callers write ProbeHandler.Record, which cannot be taken for java.lang.Record.
  @SuppressWarnings("AvoidCommonTypeNames")
  public static final class Record {
    public final AtomicLong frames = new AtomicLong();
    public volatile long framesAtFirstUnwritable = -1;
    public volatile boolean opened;
    public volatile boolean closed;

    /** How often {@code closed} was called: the contract says exactly once. */
    public final AtomicLong closedCalls = new AtomicLong();

    public final AtomicLong writabilityChanges = new AtomicLong();
    public volatile Throwable closeCause;
    private final AtomicLong inside = new AtomicLong();
    public volatile boolean overlapped;
    public volatile boolean outOfOrder;

    void enter() {
      if (inside.incrementAndGet() != 1) {
        overlapped = true;
      }
    }

    void exit() {
      inside.decrementAndGet();
    }
  }

  private final Handler<F> delegate;
  private final Map<Long, Record> records = new ConcurrentHashMap<>();

  public ProbeHandler(Handler<F> delegate) {
    this.delegate = delegate;
  }

  /** {@code app} with its handler wrapped by a probe, returned through {@code probe[0]}. */
  public static <F> Application<F> wrap(Application<F> app, ProbeHandler<F>[] probe) {
    probe[0] = new ProbeHandler<>(app.handler());
    return new Application<>(app.name(), app.decoders(), probe[0], app.refusal());
  }

  public Map<Long, Record> records() {
    return records;
  }

  /** The record of the only connection so far; fails if there is not exactly one. */
  public Record only() {
    if (records.size() != 1) {
      throw new AssertionError("expected one connection, saw " + records.size());
    }
    return records.values().iterator().next();
  }

  /** Frames received over all connections so far. */
  public long totalFrames() {
    return records.values().stream().mapToLong(r -> r.frames.get()).sum();
  }

  public long closedCount() {
    return records.values().stream().filter(r -> r.closed).count();
  }

  @Override
  public void opened(Connection connection) {
    Record record = records.computeIfAbsent(connection.id(), id -> new Record());
    record.enter();
    try {
      record.opened = true;
      delegate.opened(connection);
    } finally {
      record.exit();
    }
  }

  @Override
  public void received(Connection connection, F frame) {
    Record record = records.get(connection.id());
    record.enter();
    try {
      if (!record.opened || record.closed) {
        record.outOfOrder = true;
      }
      record.frames.incrementAndGet();
      delegate.received(connection, frame);
      if (!connection.isWritable() && record.framesAtFirstUnwritable < 0) {
        record.framesAtFirstUnwritable = record.frames.get();
      }
    } finally {
      record.exit();
    }
  }

  @Override
  public void writabilityChanged(Connection connection) {
    Record record = records.get(connection.id());
    record.enter();
    try {
      record.writabilityChanges.incrementAndGet();
      delegate.writabilityChanged(connection);
    } finally {
      record.exit();
    }
  }

  @Override
  public void malformed(Connection connection, FrameException error) {
    Record record = records.get(connection.id());
    record.enter();
    try {
      delegate.malformed(connection, error);
    } finally {
      record.exit();
    }
  }

  @Override
  public void stopping(Connection connection) {
    Record record = records.get(connection.id());
    record.enter();
    try {
      delegate.stopping(connection);
    } finally {
      record.exit();
    }
  }

  @Override
  public void closed(Connection connection, Throwable cause) {
    Record record = records.computeIfAbsent(connection.id(), id -> new Record());
    record.enter();
    try {
      if (!record.opened || record.closed) {
        record.outOfOrder = true;
      }
      record.closedCalls.incrementAndGet();
      record.closeCause = cause;
      delegate.closed(connection, cause);
      record.closed = true;
    } finally {
      record.exit();
    }
  }
}
