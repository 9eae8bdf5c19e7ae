package io.switchboard.services;

import io.switchboard.engine.Application;
import io.switchboard.engine.Connection;
import io.switchboard.engine.Handler;
import io.switchboard.engine.codec.LineDecoder;
import java.util.Locale;
import java.util.function.UnaryOperator;

/**
 * The classic line services: each line in gets one line back.
 *
 * <ul>
 *   <li>{@code echo}: the line itself;
 *   <li>{@code upper}: the line in upper case;
 *   <li>{@code ack}: {@code OK}.
 * </ul>
 *
 * <p>A client that sends without reading its answers is paused, not buffered for: once its outbound
 * queue passes the high-water mark the service stops reading from it, so TCP pushes back on the
 * client, and reading resumes when the queue drains below the low-water mark.
 */
// Every reply is a stateless lambda, so the constants are immutable in fact.
@SuppressWarnings("ImmutableEnumChecker")
public enum LineService {
  ECHO(line -> line),
  UPPER(line -> line.toUpperCase(Locale.ROOT)),
  ACK(line -> "OK");

  private final UnaryOperator<String> reply;

  LineService(UnaryOperator<String> reply) {
    this.reply = reply;
  }

  /** The name used on the command line. */
  public String serviceName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public Application<String> application() {
    return new Application<>(serviceName(), LineDecoder::new, new ReplyHandler(reply));
  }

  /** Looks a service up by its command-line name. */
  public static LineService named(String name) {
    return valueOf(name.toUpperCase(Locale.ROOT));
  }

  private record ReplyHandler(UnaryOperator<String> reply) implements Handler<String> {
    @Override
    public void received(Connection connection, String line) {
      connection.send(reply.apply(line) + "\n");
      if (!connection.isWritable()) {
        connection.pauseReading();
      }
    }

    @Override
    public void writabilityChanged(Connection connection) {
      if (connection.isWritable()) {
        connection.resumeReading();
      } else {
        connection.pauseReading();
      }
    }
  }
}
