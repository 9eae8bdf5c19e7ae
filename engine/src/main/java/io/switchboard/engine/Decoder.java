package io.switchboard.engine;

import java.nio.ByteBuffer;

/**
 * Framing from bytes to frames, one instance per connection: push bytes in, take frames out.
 *
 * <p>The same decoder serves a blocking reader and a selector loop because it never reads by
 * itself: the engine hands it whatever one read returned. It hands out every complete frame of that
 * read (not just the first), and keeps a partial frame for the next read. Memory is bounded by
 * {@link Limits#maxFrameLength()}: a frame that grows past it is a {@link FrameException}, never an
 * ever-growing buffer.
 *
 * <p>Not thread-safe: the engine calls it from the connection's handler context only.
 *
 * @param <F> the frame type
 */
public interface Decoder<F> {

  /**
   * Decodes frames from {@code in}, handing each to {@code sink} in order, until {@code in} is used
   * up or the sink returns {@code false} (reading was paused). Bytes not handed out are copied and
   * kept, so {@code in} may be reused by the caller as soon as this returns. Call with an empty
   * buffer to hand out frames kept from earlier calls.
   *
   * @throws FrameException if the bytes break the framing rules; the decoder is unusable after
   */
  void decode(ByteBuffer in, FrameSink<? super F> sink) throws FrameException;

  /**
   * The peer finished sending (end of stream): hand out what is left, such as a last line without a
   * terminator. The default keeps nothing back.
   */
  default void finish(FrameSink<? super F> sink) throws FrameException {}

  /**
   * True while the decoder holds the beginning of a frame whose end has not arrived (a line without
   * its terminator, a request head without its blank line). The engine times such a frame out after
   * {@link Limits#frameTimeout()}; complete frames kept back while reading is paused do not count.
   * The default, for decoders that keep nothing, is false.
   */
  default boolean inFrame() {
    return false;
  }

  /** Receives decoded frames. */
  @FunctionalInterface
  interface FrameSink<F> {
    /** Takes one frame; returns {@code false} to stop decoding for now (the rest is kept). */
    boolean accept(F frame);
  }
}
