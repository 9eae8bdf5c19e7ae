package io.switchboard.chat;

import static org.assertj.core.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A test's chat user: a real socket, a virtual thread that reads lines into a queue, and waits with
 * deadlines (never sleeps). {@link #EOF} is queued when the server closes.
 */
final class LineClient implements AutoCloseable {
  static final String EOF = "<end of stream>";
  static final Duration DEADLINE = Duration.ofSeconds(20);

  private final Socket socket;
  private final OutputStream out;
  private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
  private final List<String> seen = new ArrayList<>();
  private final Thread reader;

  LineClient(InetSocketAddress server) throws IOException {
    this(server, false);
  }

  /** {@code reads=false} makes a client that never reads (a slow consumer). */
  LineClient(InetSocketAddress server, boolean slow) throws IOException {
    socket = new Socket();
    if (slow) {
      socket.setReceiveBufferSize(4096); // before connect: keeps the TCP window small
    }
    socket.connect(server, 5000);
    out = socket.getOutputStream();
    reader = slow ? null : Thread.ofVirtual().start(this::readLoop);
  }

  private void readLoop() {
    try (BufferedReader in =
        new BufferedReader(
            new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = in.readLine()) != null; ) {
        lines.add(line);
      }
    } catch (IOException e) {
      // closed by the test or reset by the server: either way the stream ended
    }
    lines.add(EOF);
  }

  Socket socket() {
    return socket;
  }

  void send(String line) throws IOException {
    sendRaw((line + "\n").getBytes(StandardCharsets.UTF_8));
  }

  void sendRaw(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  /** The next line, failing the test at the deadline. */
  String next() {
    try {
      String line = lines.poll(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
      if (line == null) {
        fail("no line within " + DEADLINE + "; seen so far: " + tail());
      }
      seen.add(line);
      return line;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Reads until a line matches; returns the lines read before it. */
  List<String> until(Predicate<String> wanted) {
    List<String> before = new ArrayList<>();
    while (true) {
      String line = next();
      if (wanted.test(line)) {
        return before;
      }
      if (line.equals(EOF)) {
        fail("stream ended before the expected line; seen: " + tail());
      }
      before.add(line);
    }
  }

  List<String> until(String exact) {
    return until(exact::equals);
  }

  List<String> untilPrefix(String prefix) {
    return until(line -> line.startsWith(prefix));
  }

  /** The line that starts with {@code prefix}, read up to. */
  String expectPrefix(String prefix) {
    until(line -> line.startsWith(prefix));
    return seen.getLast();
  }

  /** Reads the greeting and returns the generated name. */
  String greeting() {
    String you = expectPrefix("= you are ");
    return you.substring("= you are ".length(), you.indexOf(';'));
  }

  /** Sets a name and waits for the confirmation. */
  void nick(String name) throws IOException {
    send("/nick " + name);
    until("= you are now " + name);
  }

  private String tail() {
    return seen.subList(Math.max(0, seen.size() - 20), seen.size()).toString();
  }

  @Override
  public void close() throws IOException {
    socket.close();
    if (reader != null) {
      try {
        reader.join(DEADLINE.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
