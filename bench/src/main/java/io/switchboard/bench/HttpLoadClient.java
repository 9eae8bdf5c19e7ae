package io.switchboard.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Recorder;

/**
 * An HTTP/1.1 client of the load generator: one kept-alive connection that fetches one path over
 * and over, one request in flight (closed loop, as wrk does per connection). It reads responses the
 * way a client must, by their {@code Content-Length}, counting body bytes without copying them. The
 * first response proves the connection is served ("ready"); once told to {@link #go}, every
 * response's latency is recorded. A status other than 200 counts as an error.
 *
 * <p>Thread contract: callbacks run on the connection's loop thread; {@link #go}, {@link #halt} and
 * {@link #closeLater} may be called from any thread (they hop to the loop).
 */
final class HttpLoadClient extends ClosedLoopClient {

  /** What the clients of one role (all cheap ones, say) share. */
  static final class Shared {
    final Recorder latency = new Recorder(3);
    final LongAdder sent = new LongAdder();
    final LongAdder responses = new LongAdder();
    final LongAdder bodyBytes = new LongAdder();
    final LongAdder errors = new LongAdder();
    final Tally tally = new Tally();
    final Semaphore connecting = new Semaphore(256);
    volatile String firstError;
  }

  private final Shared shared;
  private final ByteBuffer request;

  // The response being read.
  private boolean inHead = true;
  private boolean statusLine = true;
  private int status;
  private long contentLength;
  private long bodyLeft;

  HttpLoadClient(Shared shared, String path) {
    super(shared.connecting, shared.tally);
    this.shared = shared;
    this.request =
        ByteBuffer.wrap(
                ("GET " + path + " HTTP/1.1\r\nHost: bench\r\nAccept: */*\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII))
            .asReadOnlyBuffer();
  }

  @Override
  protected void request() {
    shared.sent.increment();
    send(request.duplicate());
  }

  @Override
  protected int received(byte[] bytes, int from, int end, long nowNanos) {
    int position = 0;
    while (position < end && !isClosed()) {
      if (!inHead) {
        int count = (int) Math.min(bodyLeft, end - position);
        bodyLeft -= count;
        position += count;
        if (bodyLeft == 0) {
          complete(nowNanos);
        }
        continue;
      }
      int lf = -1;
      for (int i = position; i < end; i++) {
        if (bytes[i] == '\n') {
          lf = i;
          break;
        }
      }
      if (lf < 0) {
        return position; // a partial head line: kept for the next read
      }
      try {
        headLine(bytes, position, lf, nowNanos);
      } catch (NumberFormatException e) {
        fail(new IOException("a malformed response head from the server: " + e.getMessage()));
        return end;
      }
      position = lf + 1;
    }
    return position;
  }

  private void headLine(byte[] bytes, int start, int lf, long nowNanos) {
    int length = lf - start;
    if (length > 0 && bytes[lf - 1] == '\r') {
      length--;
    }
    if (statusLine) {
      statusLine = false;
      status =
          length >= 12
              ? Integer.parseInt(new String(bytes, start + 9, 3, StandardCharsets.US_ASCII))
              : 0;
      contentLength = 0;
      return;
    }
    if (length == 0) {
      bodyLeft = contentLength;
      if (bodyLeft == 0) {
        complete(nowNanos);
      } else {
        inHead = false;
      }
      return;
    }
    String line = new String(bytes, start, length, StandardCharsets.ISO_8859_1);
    if (line.regionMatches(true, 0, "content-length:", 0, 15)) {
      contentLength = Long.parseLong(line.substring(15).trim());
    }
  }

  private void complete(long nowNanos) {
    inHead = true;
    statusLine = true;
    shared.responses.increment();
    shared.bodyBytes.add(contentLength);
    if (status != 200) {
      shared.errors.increment();
      if (shared.firstError == null) {
        shared.firstError = "status " + status;
      }
    }
    answered(nowNanos, shared.latency);
  }

  @Override
  protected void line(byte[] bytes, int start, int length, long nowNanos) {
    throw new IllegalStateException("HTTP responses are not read as lines");
  }

  Shared shared() {
    return shared;
  }
}
