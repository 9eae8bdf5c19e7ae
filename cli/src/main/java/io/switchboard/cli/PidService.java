package io.switchboard.cli;

import io.switchboard.engine.Application;
import io.switchboard.engine.Handler;
import io.switchboard.engine.codec.LineDecoder;

/**
 * {@code pid}: answers every line with the id of the process that serves it, so a client can see
 * how {@code serve --processes N} spreads connections over the workers (and tests can tell which
 * worker served them). Stateless; any engine thread may run it.
 */
final class PidService {
  private PidService() {}

  static Application<String> application() {
    String reply = "pid " + ProcessHandle.current().pid() + "\n";
    Handler<String> handler = (connection, line) -> connection.send(reply);
    return new Application<>("pid", LineDecoder::new, handler);
  }
}
