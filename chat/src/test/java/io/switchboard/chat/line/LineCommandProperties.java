package io.switchboard.chat.line;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.chat.ChatHub;
import io.switchboard.chat.ChatSettings;
import io.switchboard.engine.AttributeKey;
import io.switchboard.engine.Connection;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/**
 * The chat's line commands fed any text: {@link LineRequest#parse} is total, and the whole front
 * (the parser, the hub, the rendering) answers every line with well-formed, control-free lines and
 * never an exception. The lines are made of the command words (in any case, with and without
 * arguments), joined to arbitrary text full of control characters, spaces and non-ASCII letters.
 */
class LineCommandProperties {

  private static final List<String> HEADS =
      List.of(
          "",
          "/",
          "//",
          "/nick",
          "/NICK ",
          "/join ",
          "/join #",
          "/leave",
          "/part ",
          "/rooms",
          "/who ",
          "/msg ",
          "/tell guest-1 ",
          "/me ",
          "/history ",
          "/history -",
          "/quit ",
          "/help",
          "/?",
          "/exit",
          "/names",
          "/list");

  @Provide
  Arbitrary<String> line() {
    Arbitrary<String> text =
        Arbitraries.strings()
            .withChars(" \t\r\u0000\u0007\u001b\u009b\u2028#,/-_.")
            .withCharRange('a', 'f')
            .withCharRange('0', '9')
            .withChars("éß€漢\uD83D\uDE00")
            .ofMaxLength(40);
    return Combinators.combine(Arbitraries.of(HEADS), text).as(String::concat);
  }

  @Property(tries = 1000)
  void parsingAnyLineGivesARequestNeverAnException(@ForAll("line") String line) {
    LineRequest request = LineRequest.parse(line);
    assertThat(request).isNotNull();
    if (request instanceof LineRequest.Invalid invalid) {
      assertThat(invalid.code()).isIn(LineFormat.USAGE, LineFormat.UNKNOWN_COMMAND);
    }
    if (!line.startsWith("/")) {
      assertThat(request).isIn(new LineRequest.Blank(), new LineRequest.Say(line));
    }
  }

  @Property(tries = 300)
  void everyLineIsAnsweredWithSafeWellFormedLines(
      @ForAll @Size(min = 1, max = 12) List<@net.jqwik.api.From("line") String> lines) {
    ChatHub hub = new ChatHub(ChatSettings.DEFAULT.withRateLimit(1_000_000, 1_000_000));
    LineFront front = new LineFront(hub);
    MemoryConnection watcher = new MemoryConnection(1);
    MemoryConnection client = new MemoryConnection(2);
    front.opened(watcher);
    front.opened(client);
    for (String line : lines) {
      if (!client.open) {
        break; // after /quit the engine hands over nothing more
      }
      int before = client.lines().size();
      front.received(client, line);
      LineRequest request = LineRequest.parse(line);
      boolean quietWhenItWorks =
          request instanceof LineRequest.Blank
              || request instanceof LineRequest.Say
              || request instanceof LineRequest.Act;
      if (!quietWhenItWorks) {
        assertThat(client.lines()).as("the answer to %s", line).hasSizeGreaterThan(before);
      }
    }
    front.closed(client, null);
    front.closed(watcher, null);
    for (MemoryConnection connection : List.of(client, watcher)) {
      assertThat(connection.wire.toString(StandardCharsets.UTF_8)).endsWith("\r\n");
      assertThat(connection.lines())
          .allSatisfy(
              sent -> {
                assertThat(sent).matches("(#|\\[|= |! ).*");
                assertThat(sent.chars()).noneMatch(LineCommandProperties::isControl);
              });
    }
  }

  private static boolean isControl(int c) {
    return Character.isISOControl(c) || c == '\u2028' || c == '\u2029';
  }

  /**
   * The engine side of one connection, in memory: what the front sends, and whether it closed. The
   * front is called on the test's thread only, as an engine calls it on one thread at a time.
   */
  private static final class MemoryConnection implements Connection {
    final long id;
    final ByteArrayOutputStream wire = new ByteArrayOutputStream();
    final Map<AttributeKey<?>, Object> attributes = new HashMap<>();
    boolean open = true;

    MemoryConnection(long id) {
      this.id = id;
    }

    /** What was sent, split at CRLF: a bare CR or LF inside a line would show as a split. */
    List<String> lines() {
      String text = wire.toString(StandardCharsets.UTF_8);
      List<String> lines = new ArrayList<>();
      for (String line : text.split("\r\n", -1)) {
        lines.add(line);
      }
      lines.removeLast(); // what follows the last CRLF: nothing
      return lines;
    }

    @Override
    public long id() {
      return id;
    }

    @Override
    public SocketAddress remoteAddress() {
      return new InetSocketAddress("127.0.0.1", 40_000 + (int) id);
    }

    @Override
    public boolean send(ByteBuffer bytes) {
      if (!open) {
        return false;
      }
      byte[] copy = new byte[bytes.remaining()];
      bytes.get(copy);
      wire.writeBytes(copy);
      return true;
    }

    @Override
    public boolean sendFile(FileChannel file, long position, long count) {
      throw new UnsupportedOperationException("the chat sends no files");
    }

    @Override
    public boolean isWritable() {
      return true;
    }

    @Override
    public long queuedBytes() {
      return 0;
    }

    @Override
    public void pauseReading() {}

    @Override
    public void resumeReading() {}

    @Override
    public SocketAddress localAddress() {
      return new InetSocketAddress("127.0.0.1", 7000);
    }

    @Override
    public void close(String reason) {
      open = false;
    }

    @Override
    public void abort(String reason) {
      open = false;
    }

    @Override
    public void drop(ByteBuffer lastWords, String reason) {
      send(lastWords);
      open = false;
    }

    @Override
    public boolean isOpen() {
      return open;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T attribute(AttributeKey<T> key) {
      return (T) attributes.get(key);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T attribute(AttributeKey<T> key, T value) {
      return (T) (value == null ? attributes.remove(key) : attributes.put(key, value));
    }
  }
}
