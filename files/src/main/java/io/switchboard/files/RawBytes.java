package io.switchboard.files;

import io.switchboard.engine.Decoder;
import java.nio.ByteBuffer;

/**
 * A data connection's "framing": none. Each read is one frame, a copy of what arrived (bounded by
 * the engine's read buffer), so an upload writes exactly the bytes that came, in order.
 *
 * <p>Thread contract: one per connection, called in its handler context.
 */
final class RawBytes implements Decoder<ByteBuffer> {
  @Override
  public void decode(ByteBuffer in, FrameSink<? super ByteBuffer> sink) {
    if (!in.hasRemaining()) {
      return;
    }
    ByteBuffer copy = ByteBuffer.allocate(in.remaining()).put(in).flip();
    // The whole read is handed out: a false (the connection is closing) leaves nothing to keep.
    var unused = sink.accept(copy);
  }
}
