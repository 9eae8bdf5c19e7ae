package io.switchboard.services;

import io.switchboard.engine.Application;
import io.switchboard.engine.Connection;
import java.util.Locale;
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
 * <p>Wire format and backpressure are {@link LineServiceHandler}'s.
 */
// Every reply is a stateless lambda, so the constants are immutable in fact.
@SuppressWarnings("ImmutableEnumChecker")
public enum LineService {
  ECHO(line -> line),
  UPPER(line -> line.toUpperCase(Locale.ROOT)),
  ACK(line -> "OK"),
  PID(line -> "pid " + ProcessHandle.current().pid());

  private final UnaryOperator<String> reply;

  LineService(UnaryOperator<String> reply) {
    this.reply = reply;
  }

  /** The name used on the command line. */
  public String serviceName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public Application<String> application() {
    return new ReplyHandler(reply).application(serviceName());
  }

  private static final class ReplyHandler extends LineServiceHandler {
    private final UnaryOperator<String> reply;

    ReplyHandler(UnaryOperator<String> reply) {
      this.reply = reply;
    }

    @Override
    public void received(Connection connection, String line) {
      reply(connection, reply.apply(line));
    }
  }
}
