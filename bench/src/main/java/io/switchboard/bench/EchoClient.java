package io.switchboard.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Recorder;

/**
 * A client of the echo service: one round trip proves the connection is served ("ready"), then,
 * once told to {@link #go}, it ping-pongs a 64-byte line, one in flight at a time, recording each
 * round trip's latency. Every reply is checked against what was sent.
 *
 * <p>Thread contract: callbacks run on the connection's loop thread; {@link #go} and {@link #halt}
 * may be called from any thread (they hop to the loop).
 */
final class EchoClient extends ClosedLoopClient {
  /** 63 bytes and a newline: the scenario's 64-byte line. */
  static final byte[] LINE = line();

  private static final ByteBuffer LINE_BUFFER = ByteBuffer.wrap(LINE).asReadOnlyBuffer();

  /** What all clients of one trial share. */
  static final class Shared {
    final Recorder latency = new Recorder(3);
    final LongAdder sent = new LongAdder();
    final LongAdder received = new LongAdder();
    final LongAdder corrupt = new LongAdder();
    final Tally tally = new Tally();

    /** Bounds connects in flight so a slow acceptor sees a queue, not a flood of SYN retries. */
    final Semaphore connecting = new Semaphore(256);
  }

  private final Shared shared;

  EchoClient(Shared shared) {
    super(shared.connecting, shared.tally);
    this.shared = shared;
  }

  private static byte[] line() {
    byte[] bytes = new byte[64];
    byte[] text = "switchboard echo ".getBytes(StandardCharsets.US_ASCII);
    for (int i = 0; i < 63; i++) {
      bytes[i] = i < text.length ? text[i] : (byte) ('a' + i % 26);
    }
    bytes[63] = '\n';
    return bytes;
  }

  /**
   * Connects {@code count} clients, at most 256 still setting up at a time, and waits until each is
   * ready or failed, or the setup deadline passes. Returns the clients (ready or not).
   */
  static List<EchoClient> openAll(Trial trial, int count, Shared shared)
      throws IOException, InterruptedException {
    return trial.connectAll(count, shared.connecting, shared.tally, () -> new EchoClient(shared));
  }

  @Override
  protected void request() {
    shared.sent.increment();
    send(LINE_BUFFER.duplicate());
  }

  @Override
  protected void line(byte[] bytes, int start, int length, long nowNanos) {
    shared.received.increment();
    if (length != LINE.length - 1
        || !Arrays.equals(bytes, start, start + length, LINE, 0, LINE.length - 1)) {
      shared.corrupt.increment();
    }
    answered(nowNanos, shared.latency);
  }
}
