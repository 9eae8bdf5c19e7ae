package io.switchboard.files;

import io.switchboard.engine.Application;
import io.switchboard.engine.AttributeKey;
import io.switchboard.engine.Connection;
import io.switchboard.engine.Engine;
import io.switchboard.engine.FrameException;
import io.switchboard.engine.FrameTimeoutException;
import io.switchboard.engine.Handler;
import io.switchboard.engine.Limits;
import io.switchboard.engine.codec.LineDecoder;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The FTP server (RFC 959, RFC 2428's EPSV/EPRT, RFC 3659's SIZE, MDTM, REST, MLSD, MLST) as an
 * {@link Application}: control connections are lines through the engine, one {@link FtpSession}
 * each; data connections are {@link PassiveData} (servers of the same model, started per PASV) or
 * {@link ActiveData} (a virtual thread per PORT transfer). Every path goes through one {@link
 * FileRoot}.
 *
 * <p>What it shares across sessions, and bounds: the passive ports, the count of control
 * connections per client address ({@code max_per_ip}), and the password hashing, which runs on at
 * most one thread per core so a flood of logins costs the CPU it has and no more.
 *
 * <p>Thread contract: one instance serves every control connection of a server; the engine calls it
 * per connection in order, and the session it keeps in the connection holds its own lock.
 */
public final class FilesServer implements Handler<String> {
  /** No FTP command needs more: a path is at most 4096 bytes on Linux. */
  static final int MAX_COMMAND_LINE = 8192;

  /**
   * A data connection's queue is refilled below this many bytes (and stops taking chunks at twice
   * as many): more than the kernel's send buffer grows to (Linux's {@code tcp_wmem} maximum, 4 MiB
   * by default), so the socket always has more waiting for it, as with vsftpd's blocking {@code
   * sendfile}. Queued file ranges cost a queue entry each, not their bytes: the heap stays flat.
   */
  static final int DATA_LOW_WATER_MARK = 16 * Download.CHUNK;

  private static final AttributeKey<FtpSession> SESSION = AttributeKey.named("ftp-session");
  private static final AttributeKey<InetAddress> COUNTED = AttributeKey.named("ftp-counted");
  private static final byte[] FULL =
      "421 Too many users, the server is full; try again later.\r\n"
          .getBytes(StandardCharsets.US_ASCII);

  private final FilesSettings settings;
  private final FileRoot root;
  private final PassivePorts passivePorts;
  private final Supplier<Engine> dataEngines;
  private final Limits dataLimits;
  private final Semaphore hashing =
      new Semaphore(Math.max(1, Runtime.getRuntime().availableProcessors()));
  private final ConcurrentHashMap<InetAddress, Integer> perAddress = new ConcurrentHashMap<>();

  private FilesServer(FilesSettings settings, FileRoot root, Supplier<Engine> dataEngines) {
    this.settings = settings;
    this.root = root;
    this.passivePorts = new PassivePorts(settings.passivePorts());
    this.dataEngines = dataEngines;
    this.dataLimits =
        Limits.DEFAULT
            .withMaxConnections(1)
            .withIdleTimeout(settings.dataConnectionTimeout())
            .withFrameTimeout(Duration.ZERO)
            .withWaterMarks(DATA_LOW_WATER_MARK, 2 * DATA_LOW_WATER_MARK)
            .withMaxQueuedBytes(4L * DATA_LOW_WATER_MARK)
            .withShutdownDeadline(Duration.ofSeconds(1));
  }

  /**
   * The file server with {@code settings}.
   *
   * @param dataEngines makes the engine of each passive data server: a fresh engine of the model
   *     that serves the control connections, so the data moves through that model too
   * @throws IllegalArgumentException if nobody could log in, or the root is not a directory
   */
  public static Application<String> application(
      FilesSettings settings, Supplier<Engine> dataEngines) {
    if (settings.nobodyCanLogIn()) {
      throw new IllegalArgumentException(
          "files: nobody can log in; add a user with `switchboard files adduser NAME --users FILE`"
              + " and serve with --users FILE, or allow --anonymous read-only");
    }
    FileRoot root;
    try {
      root = new FileRoot(settings.root());
    } catch (IOException e) {
      throw new IllegalArgumentException("files: --root " + settings.root() + ": " + e, e);
    }
    return new Application<>(
        "files",
        limits -> new LineDecoder(Math.min(limits.maxFrameLength(), MAX_COMMAND_LINE)),
        new FilesServer(settings, root, dataEngines),
        ByteBuffer.wrap(FULL));
  }

  FilesSettings settings() {
    return settings;
  }

  FileRoot root() {
    return root;
  }

  PassivePorts passivePorts() {
    return passivePorts;
  }

  Supplier<Engine> dataEngines() {
    return dataEngines;
  }

  Limits dataLimits() {
    return dataLimits;
  }

  /**
   * Runs {@code task} on a virtual thread after {@code delay}. The JDK's shared delay thread keeps
   * the time (nothing to shut down); the task never runs on the common fork-join pool, which other
   * code in the process may keep busy.
   */
  void schedule(Duration delay, Runnable task) {
    CompletableFuture.delayedExecutor(
            delay.toNanos(), TimeUnit.NANOSECONDS, run -> Thread.ofVirtual().start(run))
        .execute(task);
  }

  /** Runs {@code task} (a password check) on a virtual thread, at most one per core at a time. */
  void hash(Runnable task) {
    Thread.ofVirtual()
        .name("files-login")
        .start(
            () -> {
              hashing.acquireUninterruptibly();
              try {
                task.run();
              } finally {
                hashing.release();
              }
            });
  }

  @Override
  public void opened(Connection connection) {
    InetAddress address = ((InetSocketAddress) connection.remoteAddress()).getAddress();
    int count = perAddress.merge(address, 1, Integer::sum);
    connection.attribute(COUNTED, address);
    if (settings.maxPerIp() > 0 && count > settings.maxPerIp()) {
      connection.send("421 There are too many connections from your internet address.\r\n");
      connection.close();
      return;
    }
    FtpSession session = new FtpSession(this, connection, address);
    connection.attribute(SESSION, session);
    session.greet();
  }

  @Override
  public void received(Connection connection, String line) {
    FtpSession session = connection.attribute(SESSION);
    if (session != null) {
      session.received(line);
    }
  }

  @Override
  public void malformed(Connection connection, FrameException error) {
    connection.send(
        error instanceof FrameTimeoutException
            ? "421 Timeout: the command line did not end in time.\r\n"
            : "500 Command line too long.\r\n");
    connection.close();
  }

  @Override
  public void closed(Connection connection, Throwable cause) {
    InetAddress address = connection.attribute(COUNTED);
    if (address != null) {
      perAddress.computeIfPresent(address, (key, count) -> count == 1 ? null : count - 1);
    }
    FtpSession session = connection.attribute(SESSION);
    if (session != null) {
      session.closed();
    }
  }
}
