package io.switchboard.engine;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.function.Function;

/**
 * What an engine serves: a name for logs, a decoder per connection, one handler, and the line a
 * client hears when the server is full.
 *
 * @param name short name for logs ("echo", "chat")
 * @param decoders makes each new connection's decoder, given the limits in force
 * @param handler the application's callbacks, shared by all connections
 * @param refusal sent to a connection refused by {@link Limits#maxConnections()} before it is
 *     closed
 * @param <F> the frame type
 */
public record Application<F>(
    String name, Function<Limits, Decoder<F>> decoders, Handler<F> handler, ByteBuffer refusal) {

  public Application {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(decoders, "decoders");
    Objects.requireNonNull(handler, "handler");
    refusal = refusal.asReadOnlyBuffer();
  }

  public Application(String name, Function<Limits, Decoder<F>> decoders, Handler<F> handler) {
    this(
        name,
        decoders,
        handler,
        ByteBuffer.wrap("ERROR server full, try again later\r\n".getBytes(StandardCharsets.UTF_8)));
  }

  /** A fresh view of the refusal bytes, safe to write from any thread. */
  @Override
  public ByteBuffer refusal() {
    return refusal.duplicate();
  }
}
