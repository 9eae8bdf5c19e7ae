package io.switchboard.services;

import io.switchboard.engine.Application;
import io.switchboard.engine.Connection;
import io.switchboard.engine.FrameException;
import io.switchboard.engine.FrameTimeoutException;
import io.switchboard.engine.Handler;
import io.switchboard.engine.codec.LineFramer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * What every line service shares, written once: its wire format and its backpressure.
 *
 * <p>The wire: lines in (LF or CRLF, UTF-8, at most {@code Limits.maxFrameLength} bytes), lines out
 * (LF), and an error as one line {@code ERROR <reason>} after which the server closes: {@code ERROR
 * server full, try again later} to a client beyond {@code --max-connections}, {@code ERROR line too
 * long (limit N bytes)} to one that sends a longer line (without a length there is no reliable way
 * to find where the next line starts).
 *
 * <p>Backpressure: a client that sends without reading its replies is paused, not buffered for.
 * Once its outbound queue passes the high-water mark the service stops reading from it, so TCP
 * pushes back on the client, and reading resumes when the queue drains below the low-water mark.
 *
 * <p>Thread contract: as {@link Handler}; this class keeps no state of its own.
 *
 * @param <L> what a line is made into for {@link #received}: text ({@link
 *     io.switchboard.engine.codec.LineDecoder#UTF_8}) for most services, or bytes for one that only
 *     passes them on
 */
public abstract class LineServiceHandler<L> implements Handler<L> {
  private static final ByteBuffer REFUSAL = ascii("ERROR server full, try again later\r\n");

  private final LineFramer.Form<L> form;

  protected LineServiceHandler(LineFramer.Form<L> form) {
    this.form = form;
  }

  /** This handler served over the line protocol, named {@code name} in logs. */
  public final Application<L> application(String name) {
    return new Application<>(name, limits -> new LineFramer<>(limits, form), this, REFUSAL);
  }

  /** Sends {@code line} and LF, and pauses reading if the client has stopped reading. */
  protected static void reply(Connection connection, String line) {
    reply(connection, (line + "\n").getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Sends a line already encoded with its LF (the array is the connection's from now on), and
   * pauses reading if the client has stopped reading.
   */
  protected static void reply(Connection connection, byte[] lineAndLf) {
    connection.send(lineAndLf);
    if (!connection.isWritable()) {
      connection.pauseReading();
    }
  }

  @Override
  public final void writabilityChanged(Connection connection) {
    if (connection.isWritable()) {
      connection.resumeReading();
    } else {
      connection.pauseReading();
    }
  }

  @Override
  public void malformed(Connection connection, FrameException error) {
    String reason =
        error instanceof FrameTimeoutException timeout
            ? "line not complete within " + FrameTimeoutException.seconds(timeout.timeout())
            : error.getMessage();
    connection.send("ERROR " + reason + "\r\n");
    connection.close(reason);
  }

  private static ByteBuffer ascii(String text) {
    return ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII)).asReadOnlyBuffer();
  }
}
