package io.switchboard.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A server that is not ours, run as the reference a scenario's figures are compared with (vsftpd
 * for ftp-get, nginx for http): the bench writes its configuration into a temporary directory,
 * starts the distribution's binary on a free loopback port, waits until the port answers, measures
 * the process and its children through {@code /proc}, and removes everything afterwards. It is
 * named in {@code --models} like a model; if its binary is missing the bench says so in one line
 * and goes on without it ({@code tools/ensure-packages tools/bench-packages} installs them).
 *
 * <p>A new reference is one subclass (its binary, its package, the apps it stands in for, and the
 * configuration it needs) and one entry in {@code Known}.
 *
 * <p>Thread contract: immutable; used by the bench's driving thread.
 */
abstract class ReferenceServer {
  private static final Duration START = Duration.ofSeconds(10);

  /**
   * The references by name, in a holder of their own: built in this class's own initialiser, the
   * subclasses would be initialised while it is, which can deadlock two threads that touch a
   * subclass and this class at once.
   */
  private static final class Known {
    static final Map<String, ReferenceServer> BY_NAME =
        Map.of("vsftpd", new Vsftpd(), "nginx", new Nginx(), CEpoll.NAME, new CEpoll());
  }

  /** The reference server called {@code model}, if it is one. */
  static Optional<ReferenceServer> named(String model) {
    return Optional.ofNullable(Known.BY_NAME.get(model));
  }

  /** The name in {@code --models} and in reports. */
  abstract String name();

  /** The Debian package that installs it. */
  abstract String debianPackage();

  /** The binary the package installs. */
  abstract Path binary();

  /** The {@code serve --app} it stands in for: it runs only in that app's scenarios. */
  abstract String app();

  /** Whether it runs in {@code scenario}: by default, in every scenario of its app. */
  boolean serves(Scenario scenario) {
    return app().equals(scenario.app());
  }

  /**
   * Writes its configuration into {@code dir} and returns its command line.
   *
   * @param root the directory to serve
   */
  abstract List<String> command(Path dir, InetSocketAddress address, Path root) throws IOException;

  boolean installed() {
    return Files.isExecutable(binary());
  }

  /** The one line the bench prints when the binary is missing. */
  String missing() {
    return "install "
        + name()
        + " to compare (apt-get install "
        + debianPackage()
        + ", or tools/ensure-packages tools/bench-packages); going on without it";
  }

  /**
   * Starts it serving {@code root}, on the CPUs in {@code cpuList} ({@code taskset}; {@code null}:
   * anywhere), as the bench pins its own servers; the result stops it and removes its files when
   * closed.
   */
  Running start(Path root, String cpuList) throws IOException {
    Path dir = Files.createTempDirectory("switchboard-" + name());
    InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), freePort());
    List<String> command = new ArrayList<>(command(dir, address, root));
    if (cpuList != null) {
      command.addAll(0, List.of("taskset", "-c", cpuList)); // taskset execs it: the pid stays
    }
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("output.log").toFile())
            .start();
    Running running = new Running(process, address, dir);
    long deadline = System.nanoTime() + START.toNanos();
    while (true) {
      try (Socket probe = new Socket(address.getAddress(), address.getPort())) {
        return running;
      } catch (IOException e) {
        if (!process.isAlive() || System.nanoTime() > deadline) {
          String output = Files.readString(dir.resolve("output.log"));
          running.close();
          throw new IOException(name() + " did not start: " + output.strip());
        }
      }
      try {
        Thread.sleep(20); // polling a port another process opens: no event to wait on
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        running.close();
        throw new IOException("interrupted while " + name() + " started", e);
      }
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /** A started reference server, measured like ours (with its children: it may fork). */
  static final class Running implements ServerUnderTest, AutoCloseable {
    private final Process process;
    private final InetSocketAddress address;
    private final Path dir;

    Running(Process process, InetSocketAddress address, Path dir) {
      this.process = process;
      this.address = address;
      this.dir = dir;
    }

    @Override
    public InetSocketAddress address() {
      return address;
    }

    @Override
    public ProcStats stats() throws IOException {
      return ProcStats.tree(process.pid());
    }

    boolean isAlive() {
      return process.isAlive();
    }

    @Override
    public long pid() {
      return process.pid();
    }

    @Override
    public Stopped stop() throws InterruptedException {
      return ServerProcess.terminate(process);
    }

    @Override
    public void close() throws IOException {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      try {
        process.waitFor();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(file);
        }
      }
    }
  }

  /** vsftpd, Debian's package: anonymous read-only, passive mode, sendfile, in the foreground. */
  static final class Vsftpd extends ReferenceServer {
    @Override
    String name() {
      return "vsftpd";
    }

    @Override
    String debianPackage() {
      return "vsftpd";
    }

    @Override
    Path binary() {
      return Path.of("/usr/sbin/vsftpd");
    }

    @Override
    String app() {
      return "files";
    }

    @Override
    List<String> command(Path dir, InetSocketAddress address, Path root) throws IOException {
      // run_as_launching_user: no chroot, no privilege drop, no 'ftp' user needed, as the bench's
      // own servers run; seccomp off: its filter refuses some container kernels.
      String config =
          String.join(
              "\n",
              "listen=YES",
              "listen_ipv6=NO",
              "listen_address=" + address.getAddress().getHostAddress(),
              "listen_port=" + address.getPort(),
              "background=NO",
              "run_as_launching_user=YES",
              "seccomp_sandbox=NO",
              "anonymous_enable=YES",
              "no_anon_password=YES",
              "anon_root=" + root.toAbsolutePath(),
              "local_enable=NO",
              "write_enable=NO",
              "pasv_enable=YES",
              "use_sendfile=YES",
              "max_clients=0",
              "max_per_ip=0",
              "xferlog_enable=NO",
              "vsftpd_log_file=" + dir.resolve("vsftpd.log"),
              "");
      Path file = Files.writeString(dir.resolve("vsftpd.conf"), config);
      return List.of(binary().toString(), file.toString());
    }
  }

  /**
   * nginx, Debian's package, as a static file server an operator would set up: one process doing
   * all the serving ({@code master_process off}: one worker's worth, so its CPU and memory compare
   * with one switchboard server process), {@code sendfile} and {@code tcp_nopush} on, no access
   * log, keep-alive without a request cap. It runs in the {@code http} scenario only ({@code
   * http-cpu} asks a calculator nginx does not have).
   */
  static final class Nginx extends ReferenceServer {
    /** Connections (and open files) nginx may hold: the bench's largest point, with room. */
    private static final int CONNECTIONS = 16_384;

    @Override
    String name() {
      return "nginx";
    }

    @Override
    String debianPackage() {
      return "nginx";
    }

    @Override
    Path binary() {
      return Path.of("/usr/sbin/nginx");
    }

    @Override
    String app() {
      return "http";
    }

    @Override
    boolean serves(Scenario scenario) {
      return scenario == Scenario.HTTP;
    }

    @Override
    List<String> command(Path dir, InetSocketAddress address, Path root) throws IOException {
      String config =
          """
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
              listen %3$s:%4$d;
              root %5$s;
            }
          }
          """
              .formatted(
                  CONNECTIONS,
                  dir,
                  address.getAddress().getHostAddress(),
                  address.getPort(),
                  root.toAbsolutePath());
      Path file = Files.writeString(dir.resolve("nginx.conf"), config);
      return List.of(
          binary().toString(),
          "-p",
          dir + "/",
          "-c",
          file.toString(),
          "-e",
          dir.resolve("error.log").toString());
    }
  }

  /**
   * The limit: a minimal single-threaded C epoll line echo ({@code echo-epoll.c}, kept with the
   * bench's resources), compiled here with the system's C compiler when it starts. What a line echo
   * costs on this machine with nothing in the way; every echo figure is also shown as a ratio to
   * it. It stands in for the echo services (echo, idle, connect).
   */
  static final class CEpoll extends ReferenceServer {
    static final String NAME = "c-epoll";
    private static final String SOURCE = "echo-epoll.c";

    @Override
    String name() {
      return NAME;
    }

    @Override
    String debianPackage() {
      return "gcc";
    }

    /** The compiler: the server itself is built from source at each start. */
    @Override
    Path binary() {
      return Path.of("/usr/bin/cc");
    }

    @Override
    String app() {
      return "echo";
    }

    @Override
    String missing() {
      return "install a C compiler to compare with the C epoll limit (apt-get install gcc);"
          + " going on without it";
    }

    @Override
    List<String> command(Path dir, InetSocketAddress address, Path root) throws IOException {
      Path source = dir.resolve(SOURCE);
      try (InputStream in = ReferenceServer.class.getResourceAsStream(SOURCE)) {
        if (in == null) {
          throw new IOException(SOURCE + " is missing from the bench's resources");
        }
        Files.copy(in, source);
      }
      Path program = dir.resolve("echo-epoll");
      Process compile =
          new ProcessBuilder(
                  binary().toString(), "-O2", "-o", program.toString(), source.toString())
              .redirectErrorStream(true)
              .start();
      String output = new String(compile.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      try {
        if (compile.waitFor() != 0) {
          throw new IOException("cc could not build " + SOURCE + ": " + output.strip());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while building " + SOURCE, e);
      }
      return List.of(program.toString(), Integer.toString(address.getPort()));
    }
  }
}
