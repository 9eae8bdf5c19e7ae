package io.switchboard.cli;

/**
 * A {@code HOST:PORT} argument as the clients take it ({@code 127.0.0.1:7000}, {@code [::1]:7000},
 * or {@code :7000} for 127.0.0.1).
 *
 * <p>Thread contract: immutable.
 */
record HostAndPort(String host, int port) {

  /**
   * @throws IllegalArgumentException with a message that shows the expected form
   */
  static HostAndPort parse(String target) {
    int colon = target.lastIndexOf(':');
    String host = colon <= 0 ? "127.0.0.1" : target.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1); // [::1]:7000
    }
    try {
      return new HostAndPort(host, Integer.parseInt(target.substring(colon + 1)));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "expected HOST:PORT, e.g. 127.0.0.1:7000; got '" + target + "'", e);
    }
  }
}
