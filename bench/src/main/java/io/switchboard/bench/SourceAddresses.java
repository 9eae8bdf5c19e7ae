package io.switchboard.bench;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Client source addresses across 127.0.0.0/8: 127.0.0.1 first, then 127.0.0.2, 127.0.0.3, ...
 *
 * <p>One source address has only the ephemeral port range (about 28,000 ports here) to connect
 * from, and a client that closes first leaves its port in TIME_WAIT for a minute, so the idle and
 * connect scenarios would run out. Every loopback address has its own range; when a bind fails the
 * load generator calls {@link #exhausted} and moves on to the next address.
 *
 * <p>Thread contract: safe for any number of threads.
 */
public final class SourceAddresses {
  private final AtomicInteger index = new AtomicInteger(1);

  /** The address new connections bind to now. */
  public InetAddress current() {
    return address(index.get());
  }

  /**
   * {@code address} ran out of ports: later connections use the next one. Several connections may
   * find out at once; only the first advances.
   */
  public void exhausted(InetAddress address) {
    int at = index.get();
    if (address(at).equals(address)) {
      index.compareAndSet(at, nextUsable(at));
    }
  }

  /** Host part i of 127.0.0.0/8, skipping .0 and .255 in the last octet to stay clear of both. */
  static InetAddress address(int i) {
    byte[] bytes = {127, (byte) (i >>> 16), (byte) (i >>> 8), (byte) i};
    try {
      return InetAddress.getByAddress(bytes);
    } catch (UnknownHostException e) {
      throw new AssertionError(e); // four bytes are always a valid address
    }
  }

  static int nextUsable(int i) {
    int next = i + 1;
    while ((next & 0xff) == 0 || (next & 0xff) == 0xff) {
      next++;
    }
    if (next >= 1 << 24) {
      throw new IllegalStateException("no loopback source address left");
    }
    return next;
  }
}
