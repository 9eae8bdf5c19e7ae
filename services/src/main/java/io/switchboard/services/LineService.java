package io.switchboard.services;

import io.switchboard.engine.Application;
import io.switchboard.engine.Connection;
import io.switchboard.engine.codec.LineDecoder;
import io.switchboard.engine.codec.LineFramer;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * The classic line services: each line in gets one line back.
 *
 * <ul>
 *   <li>{@code echo}: the line itself;
 *   <li>{@code upper}: the line in upper case;
 *   <li>{@code ack}: {@code OK};
 *   <li>{@code pid}: {@code pid N}, the id of the process that serves the connection, so a client
 *       can see how {@code serve --processes N} spreads connections over the workers.
 * </ul>
 *
 * <p>Wire format and backpressure are {@link LineServiceHandler}'s. {@code echo} sends each line's
 * bytes back as they came (with LF): it makes no text of them, as it has nothing to change, so a
 * line costs one copy instead of a decode, a concatenation and an encode.
 */
// Every handler supplier is a stateless lambda, so the constants are immutable in fact.
@SuppressWarnings("ImmutableEnumChecker")
public enum LineService {
  ECHO(Echo::new),
  UPPER(() -> new ReplyHandler(line -> line.toUpperCase(Locale.ROOT))),
  ACK(() -> new ReplyHandler(line -> "OK")),
  PID(() -> new ReplyHandler(line -> "pid " + ProcessHandle.current().pid()));

  private final Supplier<LineServiceHandler<?>> handler;

  LineService(Supplier<LineServiceHandler<?>> handler) {
    this.handler = handler;
  }

  /** The name used on the command line. */
  public String serviceName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public Application<?> application() {
    return handler.get().application(serviceName());
  }

  private static final class ReplyHandler extends LineServiceHandler<String> {
    private final UnaryOperator<String> reply;

    ReplyHandler(UnaryOperator<String> reply) {
      super(LineDecoder.UTF_8);
      this.reply = reply;
    }

    @Override
    public void received(Connection connection, String line) {
      reply(connection, reply.apply(line));
    }
  }

  /** Each line's bytes, and LF, back to the client. */
  private static final class Echo extends LineServiceHandler<byte[]> {
    /** A line as its own reply: its bytes and LF, copied once into an array the reply owns. */
    private static final LineFramer.Form<byte[]> WITH_LF =
        (bytes, offset, length) -> {
          byte[] line = Arrays.copyOfRange(bytes, offset, offset + length + 1);
          line[length] = '\n';
          return line;
        };

    Echo() {
      super(WITH_LF);
    }

    @Override
    public void received(Connection connection, byte[] lineAndLf) {
      reply(connection, lineAndLf);
    }
  }
}
