package io.switchboard.engine.codec;

import io.switchboard.engine.Decoder;
import io.switchboard.engine.FrameException;
import io.switchboard.engine.Limits;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Lines ended by LF or CRLF, each made into a frame by a {@link Form} once its terminator has
 * arrived: {@link LineDecoder} makes UTF-8 text of it; an app that only passes the bytes on (the
 * echo service) takes them as they are, with no text made and undone.
 *
 * <p>A line is handed to its form only once its terminator has arrived, so a UTF-8 character split
 * across reads is never cut in two. Bytes of an unfinished line are kept in a buffer that grows
 * only as far as {@code maxLength}; a line longer than that is a {@link FrameException} ("line too
 * long"), which by default the handler answers with one error line before closing the connection:
 * the stream cannot be resynchronised reliably without reading the rest of an unbounded line. The
 * terminator is not part of the line and does not count towards the limit.
 *
 * <p>Thread contract: one per connection, used by one thread at a time (as every {@link Decoder}).
 */
public class LineFramer<T> implements Decoder<T> {
  /**
   * What a line becomes: made from {@code length} bytes at {@code offset}, without the LF or CR.
   */
  @FunctionalInterface
  public interface Form<L> {
    L of(byte[] bytes, int offset, int length);
  }

  private static final byte LF = '\n';
  private static final byte CR = '\r';

  private final int maxLength;
  private final Form<T> form;

  /** The unfinished line (or undelivered input when paused); {@code null} while empty. */
  private byte[] pending;

  private int pendingLength;

  public LineFramer(int maxLength, Form<T> form) {
    if (maxLength <= 0) {
      throw new IllegalArgumentException("maxLength must be positive: " + maxLength);
    }
    this.maxLength = maxLength;
    this.form = form;
  }

  public LineFramer(Limits limits, Form<T> form) {
    this(limits.maxFrameLength(), form);
  }

  @Override
  public final void decode(ByteBuffer in, FrameSink<? super T> sink) throws FrameException {
    if (pendingLength > 0) {
      if (!drainPending(sink)) {
        keep(in);
        return;
      }
      if (pendingLength > 0 && !completePendingLine(in, sink)) {
        return;
      }
    }
    while (in.hasRemaining()) {
      int lf = indexOfLf(in);
      if (lf < 0) {
        if (in.remaining() > maxLength + 1) { // +1: a CR whose LF is still to come
          throw tooLong();
        }
        keep(in);
        return;
      }
      T line = decodeLine(in, in.position(), lf);
      in.position(lf + 1);
      if (!sink.accept(line)) {
        keep(in);
        return;
      }
    }
  }

  /**
   * Finishes the partial line in {@code pending} with the bytes of {@code in} up to its first LF.
   * Returns false when decoding must stop here (no LF yet, or the sink asked to stop).
   */
  private boolean completePendingLine(ByteBuffer in, FrameSink<? super T> sink)
      throws FrameException {
    int lf = indexOfLf(in);
    int count = lf < 0 ? in.remaining() : lf + 1 - in.position();
    // The terminator does not count: LF (when found) and a CR that may precede it.
    if (pendingLength + count > maxLength + (lf < 0 ? 1 : 2)) {
      throw tooLong();
    }
    if (lf < 0) {
      keep(in);
      return false;
    }
    keep(in, count);
    in.position(lf + 1);
    if (!sink.accept(takeLine(pendingLength - 1))) {
      keep(in);
      return false;
    }
    return true;
  }

  /** Delivers complete lines kept from earlier calls; false if the sink asked to stop. */
  private boolean drainPending(FrameSink<? super T> sink) throws FrameException {
    while (pendingLength > 0) {
      int end = indexOf(pending, 0, pendingLength);
      if (end < 0) {
        if (pendingLength > maxLength + 1) {
          throw tooLong();
        }
        return true;
      }
      if (!sink.accept(takeLine(end))) {
        return false;
      }
    }
    return true;
  }

  /**
   * Removes the line ending at {@code lf} from the front of {@code pending} and makes it a frame.
   */
  private T takeLine(int lf) throws FrameException {
    int length = lineLength(pending, 0, lf);
    if (length > maxLength) {
      throw tooLong();
    }
    T line = form.of(pending, 0, length);
    int rest = pendingLength - (lf + 1);
    System.arraycopy(pending, lf + 1, pending, 0, rest);
    pendingLength = rest;
    if (rest == 0 && pending.length > 4096) {
      pending = null; // give a one-off long line's memory back
    }
    return line;
  }

  /**
   * True while part of a line is kept and its LF has not arrived (a paused complete line is not).
   */
  @Override
  public final boolean inFrame() {
    return pendingLength > 0 && indexOf(pending, 0, pendingLength) < 0;
  }

  @Override
  public final void finish(FrameSink<? super T> sink) throws FrameException {
    if (pendingLength > 0 && drainPending(sink) && pendingLength > 0) {
      int length = lineLength(pending, 0, pendingLength);
      if (length > maxLength) {
        throw tooLong();
      }
      T last = form.of(pending, 0, length);
      pendingLength = 0;
      sink.accept(last);
    }
  }

  private T decodeLine(ByteBuffer in, int start, int lf) throws FrameException {
    int length = lf - start;
    if (length > 0 && in.get(lf - 1) == CR) {
      length--;
    }
    if (length > maxLength) {
      throw tooLong();
    }
    if (in.hasArray()) {
      return form.of(in.array(), in.arrayOffset() + start, length);
    }
    byte[] bytes = new byte[length];
    in.get(start, bytes);
    return form.of(bytes, 0, length);
  }

  private static int lineLength(byte[] bytes, int start, int end) {
    int length = end - start;
    return length > 0 && bytes[end - 1] == CR ? length - 1 : length;
  }

  private static int indexOfLf(ByteBuffer in) {
    if (in.hasArray()) {
      byte[] array = in.array();
      int offset = in.arrayOffset();
      int i = indexOf(array, offset + in.position(), offset + in.limit());
      return i < 0 ? -1 : i - offset;
    }
    for (int i = in.position(), limit = in.limit(); i < limit; i++) {
      if (in.get(i) == LF) {
        return i;
      }
    }
    return -1;
  }

  private static int indexOf(byte[] bytes, int from, int to) {
    for (int i = from; i < to; i++) {
      if (bytes[i] == LF) {
        return i;
      }
    }
    return -1;
  }

  private void keep(ByteBuffer in) {
    keep(in, in.remaining());
    in.position(in.limit());
  }

  /** Appends {@code count} bytes from {@code in}'s position to {@code pending} (position kept). */
  private void keep(ByteBuffer in, int count) {
    if (count == 0) {
      return;
    }
    int needed = pendingLength + count;
    if (pending == null || pending.length < needed) {
      int size = Math.max(needed, pending == null ? 256 : pending.length * 2);
      pending = pending == null ? new byte[size] : Arrays.copyOf(pending, size);
    }
    in.get(in.position(), pending, pendingLength, count);
    pendingLength = needed;
  }

  /** The bytes this decoder holds on to, for the tests' memory bound. */
  int keptBytes() {
    return pending == null ? 0 : pending.length;
  }

  private FrameException tooLong() {
    pending = null;
    pendingLength = 0;
    return new FrameException("line too long (limit " + maxLength + " bytes)");
  }
}
