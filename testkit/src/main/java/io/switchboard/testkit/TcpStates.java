package io.switchboard.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

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
    try {
      for (Path table : TABLES) {
        if (!Files.isReadable(table)) {
          continue;
        }
        for (String line : Files.readAllLines(table)) {
          // "sl local_address rem_address st ...": addresses are HEXIP:HEXPORT.
          String[] fields = line.trim().split("\\s+");
          if (fields.length > 3
              && fields[1].endsWith(local)
              && fields[2].endsWith(remote)
              && fields[3].equals(ESTABLISHED)) {
            return true;
          }
        }
      }
      return false;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
