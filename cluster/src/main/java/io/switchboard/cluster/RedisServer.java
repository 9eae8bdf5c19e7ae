package io.switchboard.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A {@code redis-server} (Debian's package) that this process starts and owns, on a free loopback
 * port, with its data in a directory of its own: for the tests, which kill it and start it again on
 * the same port with or without its data, and for the bench's two-node fan-out. Every write is on
 * disk before Redis answers ({@code appendfsync always}), so a SIGKILL loses nothing it confirmed.
 *
 * <p>Thread contract: one owner thread.
 */
public final class RedisServer implements AutoCloseable {
  /** How long Redis may take to answer PING after it starts. */
  private static final Duration START = Duration.ofSeconds(15);

  private final Path dir;
  private final int port;
  private Process process;

  private RedisServer(Path dir, int port) {
    this.dir = dir;
    this.port = port;
  }

  /**
   * Starts {@code redis-server} on a free port of 127.0.0.1, its data in a new temporary directory.
   */
  public static RedisServer start() throws IOException {
    Path dir = Files.createTempDirectory("switchboard-redis-");
    int port;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    RedisServer server = new RedisServer(dir, port);
    server.launch();
    return server;
  }

  /** {@code redis://127.0.0.1:PORT}, as {@code serve --bus} takes it. */
  public String uri() {
    return "redis://127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  public boolean isAlive() {
    return process != null && process.isAlive();
  }

  /** SIGKILL: Redis dies at once, as a crashed machine would leave it. */
  public void kill() throws InterruptedException {
    if (process != null) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }

  /**
   * Starts it again on the same port: with the data it had on disk ({@code keepData}), or empty, as
   * a Redis that lost its disk.
   */
  public void restart(boolean keepData) throws IOException, InterruptedException {
    kill();
    if (!keepData) {
      deleteData();
    }
    launch();
  }

  private void launch() throws IOException {
    Path config = dir.resolve("redis.conf");
    Files.writeString(
        config,
        String.join(
            "\n",
            List.of(
                "port " + port,
                "bind 127.0.0.1",
                "dir " + dir,
                "appendonly yes",
                "appendfsync always",
                "save \"\"",
                "daemonize no",
                "logfile \"\"",
                "loglevel warning",
                "")),
        StandardCharsets.UTF_8);
    process =
        new ProcessBuilder("redis-server", config.toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("redis.log").toFile())
            .start();
    long deadline = System.nanoTime() + START.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException(
            "redis-server exited with status "
                + process.exitValue()
                + ": "
                + Files.readString(dir.resolve("redis.log")).strip());
      }
      if (pong()) {
        return;
      }
      try {
        Thread.sleep(20); // polling a process that gives no other sign it is ready
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while redis-server started", e);
      }
    }
    process.destroyForcibly();
    throw new IOException("redis-server did not answer PING within " + START.toSeconds() + " s");
  }

  /** True if Redis answers PING now. */
  private boolean pong() {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
      socket.setSoTimeout(1000);
      OutputStream out = socket.getOutputStream();
      out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      byte[] reply = new byte[7];
      int read = in.readNBytes(reply, 0, reply.length);
      return new String(reply, 0, read, StandardCharsets.US_ASCII).startsWith("+PONG");
    } catch (IOException e) {
      return false; // not listening yet, or loading its data (it answers -LOADING)
    }
  }

  private void deleteData() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.toList()) {
        if (!file.getFileName().toString().startsWith("redis.")) { // keep the config and the log
          deleteTree(file);
        }
      }
    }
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }

  /** Kills Redis and removes its directory. */
  @Override
  public void close() throws IOException {
    try {
      kill();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    deleteTree(dir);
  }
}
