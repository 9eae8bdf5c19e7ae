package io.switchboard.bench;

import java.io.IOException;
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
import java.util.stream.Stream;

/**
 * nginx as the reference the http scenario measures the models against: Debian's binary, started by
 * the bench on a free loopback port with a configuration it writes into a temporary directory. One
 * process does all the serving ({@code master_process off}, one worker's worth), so its CPU and
 * memory read from {@code /proc} compare with one switchboard server process. The configuration
 * follows a static-file setup an operator would use: {@code sendfile}, {@code tcp_nopush}, no
 * access log, keep-alive without a request cap.
 *
 * <p>Thread contract: one owner thread starts, measures and closes it.
 */
final class NginxServer implements ServerUnderTest, AutoCloseable {
  /** The name that stands for nginx in {@code --models}. */
  static final String MODEL = "nginx";

  private static final Duration START = Duration.ofSeconds(10);

  private final Process process;
  private final InetSocketAddress address;
  private final Path directory;

  private NginxServer(Process process, InetSocketAddress address, Path directory) {
    this.process = process;
    this.address = address;
    this.directory = directory;
  }

  /** The nginx binary on the PATH (or Debian's /usr/sbin), or {@code null} if not installed. */
  static Path binary() {
    String path = System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/usr/local/sbin";
    for (String directory : path.split(":")) {
      if (directory.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(directory, "nginx");
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return null;
  }

  /** Starts nginx serving {@code root}, pinned to {@code cpuList} when not {@code null}. */
  static NginxServer start(Path root, int maxConnections, String cpuList) throws IOException {
    Path binary = binary();
    if (binary == null) {
      throw new IOException("nginx is not installed (tools/bench-packages)");
    }
    Path directory = Files.createTempDirectory("switchboard-nginx-");
    int port = freePort();
    Files.writeString(
        directory.resolve("nginx.conf"), config(root, directory, port, maxConnections));
    List<String> command =
        new java.util.ArrayList<>(
            List.of(
                binary.toString(),
                "-p",
                directory + "/",
                "-c",
                directory.resolve("nginx.conf").toString(),
                "-e",
                directory.resolve("error.log").toString()));
    if (cpuList != null) {
      command.addAll(0, List.of("taskset", "-c", cpuList));
    }
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(directory.resolve("output.log").toFile())
            .start();
    InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    long end = System.nanoTime() + START.toNanos();
    while (true) {
      try (Socket probe = new Socket()) {
        probe.connect(address, 1000);
        return new NginxServer(process, address, directory);
      } catch (IOException notYet) {
        if (!process.isAlive() || System.nanoTime() > end) {
          process.destroyForcibly();
          String log = read(directory.resolve("error.log")) + read(directory.resolve("output.log"));
          delete(directory);
          throw new IOException("nginx did not start on " + address + ": " + log.strip());
        }
        try {
          Thread.sleep(20); // nginx says nothing when ready: poll its port
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted while nginx started", e);
        }
      }
    }
  }

  static String config(Path root, Path directory, int port, int maxConnections) {
    return """
        daemon off;
        master_process off;
        worker_processes 1;
        worker_rlimit_nofile %1$d;
        pid %2$s/nginx.pid;
        error_log %2$s/error.log warn;
        events {
          worker_connections %1$d;
        }
        http {
          access_log off;
          sendfile on;
          tcp_nopush on;
          tcp_nodelay on;
          keepalive_timeout 75s;
          keepalive_requests 1000000000;
          client_body_temp_path %2$s/body;
          proxy_temp_path %2$s/proxy;
          fastcgi_temp_path %2$s/fastcgi;
          uwsgi_temp_path %2$s/uwsgi;
          scgi_temp_path %2$s/scgi;
          default_type application/octet-stream;
          server {
            listen 127.0.0.1:%3$d;
            root %4$s;
          }
        }
        """
        .formatted(maxConnections + 64, directory, port, root);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  @Override
  public InetSocketAddress address() {
    return address;
  }

  @Override
  public ProcStats stats() throws IOException {
    return ProcStats.read(process.pid());
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** Stops nginx (SIGTERM: its fast shutdown; SIGKILL past a deadline), removes its directory. */
  @Override
  public void close() throws IOException {
    ServerProcess.stop(process);
    delete(directory);
  }

  private static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      return "";
    }
  }

  private static void delete(Path directory) throws IOException {
    try (Stream<Path> files = Files.walk(directory)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(file);
      }
    }
  }
}
