package io.switchboard.engine;

import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.function.Function;

/**
 * What an engine serves: a name for logs, a decoder per connection, one handler, and what a client
 * hears when the server is full. The refusal is the app's, in its own protocol (a line service's
 * {@code ERROR server full ...}, chat's {@code ! server-full ...}, FTP's {@code 421}); the engine
 * writes it without reading anything first and closes. How the app answers a frame that breaks its
 * framing is its handler's {@link Handler#malformed}.
 *
 * @param name short name for logs ("echo", "chat")
 * @param decoders makes each new connection's decoder, given the limits in force
 * @param handler the application's callbacks, shared by all connections
 * @param refusal sent to a connection refused by {@link Limits#maxConnections()} before it is
 *     closed; empty to close without a word
 * @param <F> the frame type
 */
public record Application<F>(
    String name, Function<Limits, Decoder<F>> decoders, Handler<F> handler, ByteBuffer refusal) {

  public Application {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(decoders, "decoders");
    Objects.requireNonNull(handler, "handler");
    refusal = Objects.requireNonNull(refusal, "refusal").asReadOnlyBuffer();
  }

  /** A fresh view of the refusal bytes, safe to write from any thread. */
  @Override
  public ByteBuffer refusal() {
    return refusal.duplicate();
  }
}
