package io.switchboard.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Client source addresses and ports: every port of the range below the kernel's ephemeral range
 * (1024 to 32767 here) on 127.0.0.2, then the same on 127.0.0.3, 127.0.0.4, ... up to 127.0.0.251,
 * then round again.
 *
 * <p>Why the bench picks ports itself: a client that closes first leaves its port in TIME_WAIT for
 * a minute, so the idle and connect scenarios would run out of one address's ports. Binding a given
 * port is one lookup (letting the kernel choose gets slow as its range fills), and walking the
 * pairs in order means a pair comes round again only after 250 ranges, long after its TIME_WAIT
 * ended. A pair that is taken fails to bind and is skipped.
 *
 * <p>Why not the ephemeral range: the kernel's table of bound ports is keyed by port, not by
 * address, and a port explicitly bound on any address (or in TIME_WAIT after such a bind) is one
 * the kernel will not pick for another program's {@code connect}. A bench that walked the ephemeral
 * range on 127.0.0.2+ left every such port taken for a minute after a 15,000-connection run, and
 * every other program on the machine (a test suite, {@code nc}) got "Cannot assign requested
 * address". Below the range, the kernel never looks.
 *
 * <p>Thread contract: safe for any number of threads.
 */
public final class SourceAddresses {
  static final int ADDRESSES = 250;

  private final AtomicLong cursor = new AtomicLong();
  private final int firstPort;
  private final int ports;

  public SourceAddresses() {
    this(outsideEphemeralRange(ephemeralRange()));
  }

  /**
   * The ports the bench binds: those below the ephemeral range (from 1024, where no privilege is
   * needed), or above it when too few are below.
   */
  static int[] outsideEphemeralRange(int[] ephemeral) {
    int below = ephemeral[0] - 1024;
    int above = 65_535 - ephemeral[1];
    return below >= above
        ? new int[] {1024, ephemeral[0] - 1}
        : new int[] {ephemeral[1] + 1, 65_535};
  }

  SourceAddresses(int[] range) {
    this.firstPort = range[0];
    this.ports = range[1] - range[0] + 1;
  }

  /** The next source address and port to bind. */
  public InetSocketAddress next() {
    long n = cursor.getAndIncrement();
    int address = (int) ((n / ports) % ADDRESSES) + 2;
    int port = firstPort + (int) (n % ports);
    return new InetSocketAddress(address(address), port);
  }

  /** How many pairs there are before the walk starts over. */
  public long size() {
    return (long) ports * ADDRESSES;
  }

  static InetAddress address(int lastOctet) {
    try {
      return InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) lastOctet});
    } catch (UnknownHostException e) {
      throw new AssertionError(e); // four bytes are always a valid address
    }
  }

  /** {@code /proc/sys/net/ipv4/ip_local_port_range}, or Linux's default range. */
  private static int[] ephemeralRange() {
    try {
      String[] parts =
          Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim().split("\\s+");
      return new int[] {Integer.parseInt(parts[0]), Integer.parseInt(parts[1])};
    } catch (IOException | RuntimeException e) {
      return new int[] {32768, 60999};
    }
  }
}
