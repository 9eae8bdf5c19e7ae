package io.switchboard.chat.line;

import io.switchboard.engine.Decoder;
import io.switchboard.engine.FrameException;
import java.nio.ByteBuffer;

/**
 * Takes telnet's in-band commands out of a line client's bytes before they are decoded: people
 * connect to the chat with telnet as well as nc, and telnet may open with option negotiation
 * ({@code IAC WILL ECHO}, {@code IAC DO SUPPRESS-GO-AHEAD}, subnegotiations) and send {@code IAC
 * IP} for Ctrl-C. Byte 255 (IAC) never occurs in UTF-8 text, so nothing a person typed is lost;
 * left in, those bytes would reach a room as replacement characters and stray control bytes.
 *
 * <p>Commands are removed: {@code IAC} with one command byte, {@code IAC WILL|WONT|DO|DONT} with
 * its option, and {@code IAC SB ... IAC SE} whole. A command split across reads is taken out all
 * the same. The server negotiates nothing: telnet then sends lines as typed, which is all the line
 * protocol needs.
 *
 * <p>Thread contract: as {@link Decoder}: one connection's handler context.
 */
final class TelnetFilter implements Decoder<String> {
  private static final int IAC = 0xFF;
  private static final int SB = 0xFA;
  private static final int SE = 0xF0;
  private static final int WILL = 0xFB;
  private static final int DONT = 0xFE;

  /** Where the filter stands between reads. */
  private enum State {
    DATA,
    COMMAND, // after IAC
    OPTION, // after IAC WILL/WONT/DO/DONT
    SUBNEGOTIATION, // after IAC SB, until IAC SE
    SUBNEGOTIATION_IAC // an IAC inside a subnegotiation
  }

  private final Decoder<String> lines;
  private State state = State.DATA;

  /** Only allocated once a read holds a command: plain text passes through untouched. */
  private ByteBuffer filtered;

  TelnetFilter(Decoder<String> lines) {
    this.lines = lines;
  }

  @Override
  public void decode(ByteBuffer in, FrameSink<? super String> sink) throws FrameException {
    if (state == State.DATA && !containsIac(in)) {
      lines.decode(in, sink);
      return;
    }
    if (filtered == null || filtered.capacity() < in.remaining()) {
      filtered = ByteBuffer.allocate(Math.max(in.remaining(), 256));
    }
    filtered.clear();
    while (in.hasRemaining()) {
      int b = in.get() & 0xFF;
      switch (state) {
        case DATA -> {
          if (b == IAC) {
            state = State.COMMAND;
          } else {
            filtered.put((byte) b);
          }
        }
        case COMMAND ->
            state =
                b == SB ? State.SUBNEGOTIATION : b >= WILL && b <= DONT ? State.OPTION : State.DATA;
        case OPTION -> state = State.DATA;
        case SUBNEGOTIATION -> state = b == IAC ? State.SUBNEGOTIATION_IAC : State.SUBNEGOTIATION;
        case SUBNEGOTIATION_IAC -> state = b == SE ? State.DATA : State.SUBNEGOTIATION;
      }
    }
    filtered.flip();
    lines.decode(filtered, sink);
  }

  private static boolean containsIac(ByteBuffer in) {
    for (int i = in.position(); i < in.limit(); i++) {
      if ((in.get(i) & 0xFF) == IAC) {
        return true;
      }
    }
    return false;
  }

  @Override
  public void finish(FrameSink<? super String> sink) throws FrameException {
    lines.finish(sink);
  }

  @Override
  public boolean inFrame() {
    return lines.inFrame() || state != State.DATA;
  }
}
