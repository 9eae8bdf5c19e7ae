package io.switchboard.testkit;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * A plain blocking line client over a real socket, as {@code nc} would be: write lines, read lines
 * with a deadline, and follow a conversation ({@link #until}, {@link #expectPrefix}). It reads only
 * when asked, so a client the test leaves alone is a client that does not read: with a small
 * receive buffer ({@link #connect(InetSocketAddress, int)}) it soon pushes back on the server.
 *
 * <p>Thread contract: not thread-safe, except that one thread may write while another reads.
 */
public final class LineClient implements AutoCloseable {
  /** How many of the lines read last a failure message shows. */
  private static final int SHOWN = 20;

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private final ArrayDeque<String> recent = new ArrayDeque<>(SHOWN);

  private LineClient(Socket socket) throws IOException {
    this.socket = socket;
    this.in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
    this.out = socket.getOutputStream();
    socket.setSoTimeout((int) Await.DEFAULT.toMillis());
  }

  public static LineClient connect(InetSocketAddress address) {
    return connect(address, 0);
  }

  /**
   * Connects with a small receive buffer ({@code receiveBufferSize} bytes; 0 for the default), so a
   * client that does not read pushes back on the server soon. It must be set before connecting:
   * shrinking it later leaves a window the kernel already advertised, and TCP then crawls.
   */
  public static LineClient connect(InetSocketAddress address, int receiveBufferSize) {
    try {
      Socket socket = new Socket();
      socket.setTcpNoDelay(true);
      if (receiveBufferSize > 0) {
        socket.setReceiveBufferSize(receiveBufferSize);
      }
      socket.connect(address, (int) Await.DEFAULT.toMillis());
      return new LineClient(socket);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot connect to " + address, e);
    }
  }

  /** Sends {@code line} and LF. */
  public LineClient send(String line) {
    return write((line + "\n").getBytes(StandardCharsets.UTF_8));
  }

  public LineClient write(byte[] bytes) {
    try {
      out.write(bytes);
      out.flush();
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The next line without its terminator; fails if none arrives within the default deadline. */
  public String readLine() {
    String line = readLineOrNull();
    if (line == null) {
      throw new AssertionError("connection closed while a line was expected; " + recent());
    }
    return line;
  }

  /**
   * Reads lines until one matches {@code wanted} and returns the lines read before it; fails if the
   * connection closes or the deadline passes first.
   */
  public List<String> until(Predicate<String> wanted) {
    List<String> before = new ArrayList<>();
    for (String line = readLine(); !wanted.test(line); line = readLine()) {
      before.add(line);
    }
    return before;
  }

  /** {@link #until(Predicate)} a line equal to {@code exact}. */
  public List<String> until(String exact) {
    return until(exact::equals);
  }

  /** Reads up to the line that starts with {@code prefix} and returns that line. */
  public String expectPrefix(String prefix) {
    until(line -> line.startsWith(prefix));
    return recent.getLast();
  }

  /**
   * Reads every line until the server closes the connection and returns them; fails if it stays
   * open past the default deadline.
   */
  public List<String> untilClosed() {
    List<String> lines = new ArrayList<>();
    try {
      for (String line; (line = readLineOrNull()) != null; ) {
        lines.add(line);
      }
    } catch (UncheckedIOException e) {
      // a reset ends the stream too
    }
    return lines;
  }

  /** The next line, or {@code null} at end of stream. */
  public String readLineOrNull() {
    try {
      ByteArrayOutputStream line = new ByteArrayOutputStream(128);
      for (int b; (b = in.read()) >= 0; ) {
        if (b == '\n') {
          byte[] bytes = line.toByteArray();
          int length =
              bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
          return remember(new String(bytes, 0, length, StandardCharsets.UTF_8));
        }
        line.write(b);
      }
      if (line.size() > 0) {
        throw new AssertionError(
            "stream ended inside a line: " + line.toString(StandardCharsets.UTF_8));
      }
      return null;
    } catch (SocketTimeoutException e) {
      throw new AssertionError(
          "no line within " + Await.DEFAULT.toMillis() + " ms; " + recent(), e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private String remember(String line) {
    if (recent.size() == SHOWN) {
      recent.removeFirst();
    }
    recent.addLast(line);
    return line;
  }

  /** The lines read last, for failure messages. */
  private String recent() {
    return "the last lines read: " + recent;
  }

  /** Exactly the next {@code count} bytes; fails if the stream ends or stalls before. */
  public byte[] readBytes(int count) {
    try {
      byte[] bytes = in.readNBytes(count);
      if (bytes.length < count) {
        throw new AssertionError("stream ended after " + bytes.length + " of " + count + " bytes");
      }
      return bytes;
    } catch (SocketTimeoutException e) {
      throw new AssertionError("no bytes within " + Await.DEFAULT.toMillis() + " ms", e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Reads until the server closes the connection (end of stream or reset) and counts the bytes;
   * fails if it stays open past the default deadline.
   */
  public long drainUntilClosed() {
    long total = 0;
    byte[] buffer = new byte[64 * 1024];
    try {
      for (int n; (n = in.read(buffer)) >= 0; ) {
        total += n;
      }
    } catch (SocketTimeoutException e) {
      throw new AssertionError("still open after " + Await.DEFAULT.toMillis() + " ms", e);
    } catch (IOException e) {
      // a reset ends the stream too
    }
    return total;
  }

  /**
   * True once the server has closed the connection (end of stream or reset), after skipping any
   * lines still in flight; waits up to {@code deadline}.
   */
  public boolean closedByServer(Duration deadline) {
    try {
      socket.setSoTimeout((int) deadline.toMillis());
      while (in.read() >= 0) {
        // skip what is left
      }
      return true;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true; // reset counts as closed
    }
  }

  /**
   * Writes {@code b}, one byte at a time, once every {@code pace} from a virtual thread of its own,
   * until the server closes the connection or the returned thread is interrupted: a slow trickle
   * (slowloris) that is never silent and never finishes a line. {@code pace} is the trickle's
   * speed, not a wait for anything.
   */
  public Thread trickle(byte b, Duration pace) {
    return Thread.ofVirtual()
        .name("trickle")
        .start(
            () -> {
              try {
                while (!Thread.currentThread().isInterrupted()) {
                  write(new byte[] {b});
                  Thread.sleep(pace);
                }
              } catch (UncheckedIOException | InterruptedException e) {
                // closed by the server, or the test is over
              }
            });
  }

  /** Closes abruptly: SO_LINGER 0 makes the kernel send RST instead of FIN. */
  public void reset() {
    try {
      socket.setSoLinger(true, 0);
      socket.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public Socket socket() {
    return socket;
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      // closing is all we wanted
    }
  }
}
