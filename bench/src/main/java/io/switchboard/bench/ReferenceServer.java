package io.switchboard.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A server that is not ours, run as the reference a scenario's figures are compared with (vsftpd
 * for ftp-get): the bench writes its configuration into a temporary directory, starts the
 * distribution's binary on a free loopback port, waits until the port answers, measures the process
 * and its children through {@code /proc}, and removes everything afterwards. It is named in {@code
 * --models} like a model; if its binary is missing the bench says so in one line and goes on
 * without it ({@code tools/ensure-packages tools/bench-packages} installs them).
 *
 * <p>A new reference is one subclass (its binary, its package, the apps it stands in for, and the
 * configuration it needs) and one entry in {@link #KNOWN}.
 *
 * <p>Thread contract: immutable; used by the bench's driving thread.
 */
abstract class ReferenceServer {
  private static final Map<String, ReferenceServer> KNOWN = Map.of("vsftpd", new Vsftpd());
  private static final Duration START = Duration.ofSeconds(10);

  /** The reference server called {@code model}, if it is one. */
  static Optional<ReferenceServer> named(String model) {
    return Optional.ofNullable(KNOWN.get(model));
  }

  /** The name in {@code --models} and in reports. */
  abstract String name();

  /** The Debian package that installs it. */
  abstract String debianPackage();

  /** The binary the package installs. */
  abstract Path binary();

  /** The {@code serve --app} it stands in for: it runs only in that app's scenarios. */
  abstract String app();

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

  /** Starts it serving {@code root}; the result stops it and removes its files when closed. */
  Running start(Path root) throws IOException {
    Path dir = Files.createTempDirectory("switchboard-" + name());
    InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), freePort());
    Process process =
        new ProcessBuilder(command(dir, address, root))
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
}
