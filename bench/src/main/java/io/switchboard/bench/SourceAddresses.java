package io.switchboard.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Client source addresses and ports: every port of the ephemeral range on 127.0.0.2, then the same
 * on 127.0.0.3, 127.0.0.4, ... up to 127.0.0.251, then round again. 127.0.0.1 is left alone: a run
 * leaves tens of thousands of ports in TIME_WAIT for a minute, and on 127.0.0.1 that would starve
 * every other program of the machine (a test suite, {@code nc}) of local ports.
 *
 * <p>Why the bench picks ports itself: one source address has only the ephemeral range (about
 * 28,000 ports here), and a client that closes first leaves its port in TIME_WAIT for a minute, so
 * the idle and connect scenarios would run out. Every loopback address has its own range. Letting
 * the kernel choose ({@code bind} to port 0) works but gets slow as the range fills with TIME_WAIT
 * sockets (it searches the range on each bind: measured here, it made the connect scenario a test
 * of the load generator); binding a given port is one lookup, and walking the pairs in order means
 * a pair comes round again only after 250 ranges, long after its TIME_WAIT ended. A pair that is
 * still taken fails to bind and is skipped.
 *
 * <p>Thread contract: safe for any number of threads.
 */
public final class SourceAddresses {
  static final int ADDRESSES = 250;

  private final AtomicLong cursor = new AtomicLong();
  private final int firstPort;
  private final int ports;

  public SourceAddresses() {
    this(ephemeralRange());
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
