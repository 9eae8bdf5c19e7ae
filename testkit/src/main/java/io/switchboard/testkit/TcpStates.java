package io.switchboard.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * What the kernel says about this machine's TCP sockets ({@code /proc/net/tcp} and {@code tcp6},
 * Linux): whether a server still holds a connection open is seen there even while its peer reads
 * nothing, when no byte can tell the peer.
 *
 * <p>Thread contract: stateless; any thread.
 */
public final class TcpStates {
  private TcpStates() {}

  /** The kernel's code for ESTABLISHED in the {@code st} column. */
  private static final String ESTABLISHED = "01";

  private static final List<Path> TABLES =
      List.of(Path.of("/proc/net/tcp"), Path.of("/proc/net/tcp6"));

  /** True where the tables can be read (Linux). */
  public static boolean available() {
    return Files.isReadable(TABLES.get(0));
  }

  /**
   * True while a socket with local port {@code localPort} and remote port {@code remotePort} is
   * established: on loopback, the server's side of one connection, named by the server's port and
   * the client's.
   */
  public static boolean established(int localPort, int remotePort) {
    String local = String.format(":%04X", localPort);
    String remote = String.format(":%04X", remotePort);
    return sockets()
        .anyMatch(
            fields ->
                fields[1].endsWith(local)
                    && fields[2].endsWith(remote)
                    && fields[3].equals(ESTABLISHED));
  }

  /**
   * Bytes received and not yet read by the application, summed over the sockets connected to remote
   * port {@code remotePort}: on loopback, a client's unread data from that server port.
   */
  public static long unread(int remotePort) {
    String remote = String.format(":%04X", remotePort);
    return sockets()
        .filter(fields -> fields[2].endsWith(remote))
        // "tx_queue:rx_queue", both hexadecimal
        .mapToLong(fields -> Long.parseLong(fields[4].substring(fields[4].indexOf(':') + 1), 16))
        .sum();
  }

  /**
   * Every socket's row, split into its fields: "sl local_address rem_address st tx_queue:rx_queue
   * ...", addresses as HEXIP:HEXPORT.
   */
  private static Stream<String[]> sockets() {
    List<String[]> rows = new ArrayList<>();
    try {
      for (Path table : TABLES) {
        if (!Files.isReadable(table)) {
          continue;
        }
        for (String line : Files.readAllLines(table)) {
          String[] fields = line.trim().split("\\s+");
          if (fields.length > 4 && !fields[0].equals("sl")) {
            rows.add(fields);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return rows.stream();
  }
}
