package io.switchboard.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * ftp-get: N clients (the point's connections, 1 and 4 by default) each download a 1 GiB file over
 * FTP again and again (anonymous, binary, EPSV), for the trial's duration; the figures are the
 * total MB/s and the server's CPU seconds per GB sent. The same client runs against our file server
 * on each model and against vsftpd ({@link ReferenceServer}).
 *
 * <p>The file is sparse (made with {@code setLength}): its pages are the kernel's zero page, so the
 * figures measure the server's path from the page cache to the socket, not the disk, the same for
 * every server. The client reads into one direct buffer per connection and looks at nothing, so it
 * costs little next to the server it measures.
 *
 * <p>Thread contract: {@link #run} on the bench's thread; one platform thread per client.
 */
final class FtpGetScenario {
  static final String FILE = "bench-1GiB.bin";
  static final long SIZE = 1L << 30;
  private static final Pattern EPSV = Pattern.compile("\\(\\|\\|\\|(\\d+)\\|\\)");

  private FtpGetScenario() {}

  /** A fresh directory with the file to serve. */
  static Path servedDirectory() throws IOException {
    Path dir = Files.createTempDirectory("switchboard-ftp-get");
    try (RandomAccessFile file = new RandomAccessFile(dir.resolve(FILE).toFile(), "rw")) {
      file.setLength(SIZE);
    }
    return dir;
  }

  static void remove(Path dir) throws IOException {
    Files.deleteIfExists(dir.resolve(FILE));
    Files.deleteIfExists(dir);
  }

  /** {@code serve} options for our file server: anonymous downloads, no per-address cap. */
  static List<String> serverArgs(Path root) {
    return List.of("--root", root.toString(), "--anonymous", "read-only", "--max-per-ip", "0");
  }

  static Measurement run(Trial trial) throws InterruptedException {
    int clients = trial.point.connections();
    Measurement.Builder result = new Measurement.Builder();
    if (!trial.options.warmup().isZero()) {
      Downloads warm = new Downloads(trial.target(), clients);
      trial.pass("warming up", trial.options.warmup());
      warm.stop();
    }
    try {
      ProcStats before = trial.server.stats();
      long started = System.nanoTime();
      Downloads downloads = new Downloads(trial.target(), clients);
      trial.pass("measuring", trial.options.duration());
      long bytes = downloads.bytes();
      double seconds = (System.nanoTime() - started) / 1e9;
      ProcStats after = trial.server.stats();
      downloads.stop();
      double cpu = after.cpuSeconds() - before.cpuSeconds();
      result
          .put(Metric.MB_PER_S, bytes / 1e6 / seconds)
          .put(Metric.CPU_S_PER_GB, bytes == 0 ? Double.NaN : cpu / (bytes / 1e9))
          .put(Metric.SERVER_CPU_S, cpu)
          .put(Metric.RSS_MIB, after.rssBytes() / (1024.0 * 1024.0))
          .put(Metric.THREADS, after.threads())
          .put(Metric.FAILURES, downloads.failures());
      if (bytes == 0) {
        result.error("no bytes arrived: " + downloads.firstFailure());
      }
    } catch (IOException e) {
      result.error("cannot read the server's figures: " + e.getMessage());
    }
    return result.build();
  }

  /** The clients, each on its own thread, downloading until stopped. */
  private static final class Downloads {
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final Set<AutoCloseable> open = ConcurrentHashMap.newKeySet();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean stopping;
    private volatile String firstFailure = "none";

    Downloads(InetSocketAddress server, int clients) {
      for (int i = 0; i < clients; i++) {
        threads.add(Thread.ofPlatform().name("ftp-get-" + i).start(() -> client(server)));
      }
    }

    long bytes() {
      return bytes.get();
    }

    long failures() {
      return failures.get();
    }

    String firstFailure() {
      return firstFailure;
    }

    /** Ends every download now: closing the sockets wakes the blocked reads. */
    void stop() throws InterruptedException {
      stopping = true;
      for (AutoCloseable socket : open) {
        try {
          socket.close();
        } catch (Exception e) {
          // Stopping anyway.
        }
      }
      for (Thread thread : threads) {
        thread.join();
      }
    }

    private void client(InetSocketAddress server) {
      ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 20);
      while (!stopping) {
        try (Socket control = new Socket(server.getAddress(), server.getPort())) {
          open.add(control);
          BufferedReader in =
              new BufferedReader(
                  new InputStreamReader(control.getInputStream(), StandardCharsets.US_ASCII));
          OutputStream out = control.getOutputStream();
          expect(in, "220");
          if (command(out, in, "USER anonymous").startsWith("331")) {
            expectReply(command(out, in, "PASS bench@"), "230");
          }
          expectReply(command(out, in, "TYPE I"), "200");
          while (!stopping) {
            Matcher port = EPSV.matcher(command(out, in, "EPSV"));
            if (!port.find()) {
              throw new IOException("no port in the EPSV reply");
            }
            try (SocketChannel data =
                SocketChannel.open(
                    new InetSocketAddress(server.getAddress(), Integer.parseInt(port.group(1))))) {
              open.add(data);
              expectReply(command(out, in, "RETR " + FILE), "1");
              while (!stopping) {
                buffer.clear();
                int read = data.read(buffer);
                if (read < 0) {
                  break;
                }
                bytes.addAndGet(read);
              }
              open.remove(data);
            }
            if (!stopping) {
              expect(in, "226");
            }
          }
        } catch (IOException | RuntimeException e) {
          if (!stopping) {
            failures.incrementAndGet();
            firstFailure = e.toString();
          }
        }
      }
    }

    private static String command(OutputStream out, BufferedReader in, String line)
        throws IOException {
      out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      return reply(in);
    }

    /** One reply, multi-line ones included; returns its last line. */
    private static String reply(BufferedReader in) throws IOException {
      String line = in.readLine();
      if (line == null) {
        throw new IOException("the server closed the control connection");
      }
      if (line.length() > 3 && line.charAt(3) == '-') {
        String end = line.substring(0, 3) + " ";
        while (line != null && !line.startsWith(end)) {
          line = in.readLine();
        }
        if (line == null) {
          throw new IOException("the server closed the control connection");
        }
      }
      return line;
    }

    private static void expect(BufferedReader in, String code) throws IOException {
      expectReply(reply(in), code);
    }

    private static void expectReply(String reply, String code) throws IOException {
      if (!reply.startsWith(code)) {
        throw new IOException("expected " + code + ", got: " + reply);
      }
    }
  }
}
