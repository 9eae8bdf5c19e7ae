package io.switchboard.testkit;

import io.switchboard.engine.Application;
import io.switchboard.engine.AttributeKey;
import io.switchboard.engine.Connection;
import io.switchboard.engine.codec.LineDecoder;
import io.switchboard.services.LineServiceHandler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The contract suite's application, written once for every model: a line echo (a {@link
 * LineServiceHandler}, so it pauses reading while the connection is unwritable) that also obeys a
 * few commands, each exercising one part of the {@link Connection} contract from inside a callback:
 *
 * <ul>
 *   <li>{@code FILE position count}: sends that range of the file given at construction with {@link
 *       Connection#sendFile}. The channel is opened once per connection, kept in an attribute,
 *       reused by later {@code FILE}s and closed by this app when the connection closes: the
 *       connection must never close it.
 *   <li>{@code FLOOD n}: queues n KiB, one KiB per send, without looking at writability, so a small
 *       {@code maxQueuedBytes} overflows.
 *   <li>{@code BIG n}: one send of n bytes, past the high-water mark, so a writability change is
 *       raised inside this callback.
 *   <li>{@code BIG-THEN-CLOSE n}: the same, then {@code close()} twice and one more send, which
 *       must be refused.
 *   <li>{@code ABORT}: {@code abort()} inside the callback, which raises {@code closed}.
 *   <li>{@code BIG-THEN-DROP n}: one send of n bytes, then {@code drop} with the last words {@code
 *       DROPPED}, and one more send, which must be refused.
 * </ul>
 *
 * <p>Thread contract: one instance serves every connection of one server; its callbacks come on
 * whatever threads the model uses, so everything it records is thread-safe.
 */
public final class CommandEcho extends LineServiceHandler<String> {
  private static final AttributeKey<FileChannel> FILE = AttributeKey.named("contract-file");

  private final Path file;
  private final List<FileChannel> openedFiles = new CopyOnWriteArrayList<>();
  private final AtomicReference<Connection> latest = new AtomicReference<>();
  private final AtomicBoolean floodRefused = new AtomicBoolean();
  private final AtomicBoolean floodDone = new AtomicBoolean();
  private final AtomicBoolean sendAfterCloseAccepted = new AtomicBoolean();

  /**
   * @param file what {@code FILE} sends from; {@code null} if the test sends no file
   */
  public CommandEcho(Path file) {
    super(LineDecoder.UTF_8);
    this.file = file;
  }

  public Application<String> application() {
    return application("command-echo");
  }

  /** The channels {@code FILE} opened, so a test can see who closes them. */
  public List<FileChannel> openedFiles() {
    return openedFiles;
  }

  /** The connection opened last, so a test can use it from its own thread. */
  public Connection latest() {
    return latest.get();
  }

  /** True once a {@code FLOOD} send was refused (it overflowed the queue). */
  public boolean floodRefused() {
    return floodRefused.get();
  }

  /** True once a {@code FLOOD} has queued all it could. */
  public boolean floodDone() {
    return floodDone.get();
  }

  /** True if a send after {@code close()} or {@code drop()} was accepted: a contract breach. */
  public boolean sendAfterCloseAccepted() {
    return sendAfterCloseAccepted.get();
  }

  @Override
  public void opened(Connection connection) {
    latest.set(connection);
  }

  @Override
  public void received(Connection connection, String line) {
    String[] words = line.split(" ");
    switch (words[0]) {
      case "FILE" -> {
        FileChannel channel = fileOf(connection);
        connection.sendFile(channel, Long.parseLong(words[1]), Long.parseLong(words[2]));
      }
      case "FLOOD" -> {
        byte[] kib = new byte[1024];
        for (int i = Integer.parseInt(words[1]); i > 0; i--) {
          if (!connection.send(kib.clone())) {
            floodRefused.set(true);
            break;
          }
        }
        floodDone.set(true);
      }
      case "BIG" -> connection.send(ByteBuffer.allocate(Integer.parseInt(words[1])));
      case "BIG-THEN-CLOSE" -> {
        connection.send(ByteBuffer.allocate(Integer.parseInt(words[1])));
        connection.close();
        connection.close();
        if (connection.send("late\n")) {
          sendAfterCloseAccepted.set(true);
        }
      }
      case "ABORT" -> connection.abort();
      case "BIG-THEN-DROP" -> {
        connection.send(ByteBuffer.allocate(Integer.parseInt(words[1])));
        connection.drop(
            ByteBuffer.wrap("\nDROPPED\n".getBytes(StandardCharsets.US_ASCII)), "a test drop");
        if (connection.send("late\n")) {
          sendAfterCloseAccepted.set(true);
        }
      }
      default -> reply(connection, line);
    }
  }

  @Override
  public void closed(Connection connection, Throwable cause) {
    FileChannel channel = connection.attribute(FILE);
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  private FileChannel fileOf(Connection connection) {
    FileChannel channel = connection.attribute(FILE);
    if (channel == null) {
      try {
        channel = FileChannel.open(file, StandardOpenOption.READ);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      openedFiles.add(channel);
      connection.attribute(FILE, channel);
    }
    return channel;
  }
}
