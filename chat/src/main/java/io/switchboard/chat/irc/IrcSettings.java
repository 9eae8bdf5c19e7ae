package io.switchboard.chat.irc;

import io.switchboard.files.UsersFile;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The IRC front's own policy in one immutable value (the hub's, such as the flood limit, is the
 * hub's {@code ChatSettings}, shared by every front).
 *
 * @param serverName the server's name in every reply's source and in WHOIS (no spaces)
 * @param network the network name in the welcome and in ISUPPORT's {@code NETWORK}
 * @param pingInterval a registered client silent this long is sent a PING
 * @param pingTimeout a client that stays silent this long after the PING is closed ({@code ERROR
 *     :Ping timeout})
 * @param registrationTimeout a client that has not registered (NICK and USER) by then is closed
 * @param motd the message of the day, one line each; empty for none ({@code 422})
 * @param operators who may become an operator with OPER, or {@code null} for nobody ({@code 491})
 */
public record IrcSettings(
    String serverName,
    String network,
    Duration pingInterval,
    Duration pingTimeout,
    Duration registrationTimeout,
    List<String> motd,
    UsersFile operators) {

  /** The message of the day the server shows unless told otherwise. */
  public static final List<String> DEFAULT_MOTD =
      List.of(
          "Welcome to switchboard chat over IRC.",
          "#room here is the room people on the line front (nc HOST PORT) call room:",
          "the same rooms, the same history (/quote HISTORY #room), the same order.");

  public IrcSettings {
    Objects.requireNonNull(serverName, "serverName");
    Objects.requireNonNull(network, "network");
    Objects.requireNonNull(pingInterval, "pingInterval");
    Objects.requireNonNull(pingTimeout, "pingTimeout");
    Objects.requireNonNull(registrationTimeout, "registrationTimeout");
    motd = List.copyOf(motd);
    if (serverName.isBlank() || serverName.chars().anyMatch(c -> c <= ' ' || c == ':')) {
      throw new IllegalArgumentException(
          "the IRC server name must be a host-like word without spaces: '" + serverName + "'");
    }
    for (Duration d : List.of(pingInterval, pingTimeout, registrationTimeout)) {
      if (!d.isPositive()) {
        throw new IllegalArgumentException("IRC timeouts must be positive: " + d);
      }
    }
  }

  /**
   * The defaults for a server called {@code serverName}: PING after 120 s of silence, closed 60 s
   * later without an answer (as common servers do); 60 s to register; the default MOTD; no
   * operators.
   */
  public static IrcSettings named(String serverName) {
    return new IrcSettings(
        serverName,
        "switchboard",
        Duration.ofSeconds(120),
        Duration.ofSeconds(60),
        Duration.ofSeconds(60),
        DEFAULT_MOTD,
        null);
  }

  /** This machine's host name, the default server name; {@code localhost} if it has none. */
  public static String hostName() {
    try {
      String name = InetAddress.getLocalHost().getHostName();
      return name.isBlank() || name.contains(" ") ? "localhost" : name;
    } catch (UnknownHostException e) {
      return "localhost";
    }
  }

  public IrcSettings withOperators(UsersFile value) {
    return new IrcSettings(
        serverName, network, pingInterval, pingTimeout, registrationTimeout, motd, value);
  }

  public IrcSettings withPing(Duration interval, Duration timeout) {
    return new IrcSettings(
        serverName, network, interval, timeout, registrationTimeout, motd, operators);
  }

  public IrcSettings withRegistrationTimeout(Duration value) {
    return new IrcSettings(serverName, network, pingInterval, pingTimeout, value, motd, operators);
  }

  public IrcSettings withMotd(List<String> value) {
    return new IrcSettings(
        serverName, network, pingInterval, pingTimeout, registrationTimeout, value, operators);
  }
}
