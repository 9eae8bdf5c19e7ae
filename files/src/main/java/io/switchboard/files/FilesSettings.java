package io.switchboard.files;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How the file server behaves, in one immutable value; the names follow vsftpd's configuration keys
 * where there is one, since those are the words an FTP operator already knows ({@code
 * idle_session_timeout}, {@code data_connection_timeout}, {@code accept_timeout}, {@code
 * connect_timeout}, {@code max_per_ip}, {@code delay_failed_login}, {@code max_login_fails}, {@code
 * pasv_min_port}/{@code pasv_max_port}, {@code port_enable}).
 *
 * @param root the directory served; every path a client names resolves inside it
 * @param users who may log in with a password, or {@code null} for nobody
 * @param anonymous whether {@code anonymous}/{@code ftp} may log in (read-only) or not
 * @param passivePorts the ports PASV and EPSV listen on, or {@code null} for any free port
 * @param activeEnabled whether PORT and EPRT (the server connects to the client) are allowed
 * @param idleSessionTimeout a logged-in or not client that sends no command for this long, while no
 *     transfer runs, gets {@code 421 Timeout} and is disconnected
 * @param dataConnectionTimeout a data connection that moves no byte for this long is dropped
 * @param acceptTimeout a passive port nobody connects to within this long is closed
 * @param connectTimeout how long connecting to an active-mode client may take
 * @param maxPerIp control connections one address may hold at once (0: no limit)
 * @param delayFailedLogin how long a wrong password waits before its {@code 530}
 * @param maxLoginFails wrong passwords after which the connection is dropped
 * @param uploadSettle after an upload's data connection ends, how long the control connection must
 *     stay up before the file is renamed into place: a killed client's data and control connections
 *     end together, and this is the time its control connection's end has to arrive (see
 *     docs/files.md)
 */
public record FilesSettings(
    Path root,
    UsersFile users,
    Anonymous anonymous,
    PortRange passivePorts,
    boolean activeEnabled,
    Duration idleSessionTimeout,
    Duration dataConnectionTimeout,
    Duration acceptTimeout,
    Duration connectTimeout,
    int maxPerIp,
    Duration delayFailedLogin,
    int maxLoginFails,
    Duration uploadSettle) {

  /** Whether anonymous logins are accepted. */
  public enum Anonymous {
    OFF,
    /** {@code anonymous} or {@code ftp} with any password; may list and download, nothing more. */
    READ_ONLY
  }

  /** An inclusive range of TCP ports, as {@code --passive-ports 30000-30099} names it. */
  public record PortRange(int first, int last) {
    public PortRange {
      if (first < 1 || last > 65_535 || first > last) {
        throw new IllegalArgumentException(
            "port range must be FIRST-LAST within 1-65535: " + first + "-" + last);
      }
    }

    /** Parses {@code 30000-30099} (or a single port). */
    public static PortRange parse(String text) {
      String[] parts = text.strip().split("-", 2);
      try {
        int first = Integer.parseInt(parts[0].strip());
        return new PortRange(first, parts.length == 1 ? first : Integer.parseInt(parts[1].strip()));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("port range must be FIRST-LAST: '" + text + "'", e);
      }
    }

    public int size() {
      return last - first + 1;
    }

    @Override
    public String toString() {
      return first + "-" + last;
    }
  }

  public FilesSettings {
    Objects.requireNonNull(root, "root");
    Objects.requireNonNull(anonymous, "anonymous");
    for (Duration duration :
        new Duration[] {
          idleSessionTimeout,
          dataConnectionTimeout,
          acceptTimeout,
          connectTimeout,
          delayFailedLogin,
          uploadSettle
        }) {
      if (duration == null || duration.isNegative()) {
        throw new IllegalArgumentException("timeouts must be given and not negative");
      }
    }
    if (acceptTimeout.isZero() || connectTimeout.isZero() || dataConnectionTimeout.isZero()) {
      throw new IllegalArgumentException("the data connection timeouts must be positive");
    }
    if (maxPerIp < 0 || maxLoginFails < 1) {
      throw new IllegalArgumentException("max-per-ip must be >= 0 and max-login-fails >= 1");
    }
  }

  /** vsftpd's defaults where it has them; no users, no anonymous access, passive mode only. */
  public static FilesSettings of(Path root) {
    return new FilesSettings(
        root,
        null,
        Anonymous.OFF,
        null,
        false,
        Duration.ofMinutes(5),
        Duration.ofMinutes(5),
        Duration.ofMinutes(1),
        Duration.ofMinutes(1),
        50,
        Duration.ofSeconds(1),
        3,
        Duration.ofMillis(200));
  }

  /** True if nobody at all could log in: the server refuses to start so. */
  public boolean nobodyCanLogIn() {
    return (users == null || users.names().isEmpty()) && anonymous == Anonymous.OFF;
  }

  public FilesSettings withUsers(UsersFile value) {
    return new FilesSettings(
        root,
        value,
        anonymous,
        passivePorts,
        activeEnabled,
        idleSessionTimeout,
        dataConnectionTimeout,
        acceptTimeout,
        connectTimeout,
        maxPerIp,
        delayFailedLogin,
        maxLoginFails,
        uploadSettle);
  }

  public FilesSettings withAnonymous(Anonymous value) {
    return new FilesSettings(
        root,
        users,
        value,
        passivePorts,
        activeEnabled,
        idleSessionTimeout,
        dataConnectionTimeout,
        acceptTimeout,
        connectTimeout,
        maxPerIp,
        delayFailedLogin,
        maxLoginFails,
        uploadSettle);
  }

  public FilesSettings withPassivePorts(PortRange value) {
    return new FilesSettings(
        root,
        users,
        anonymous,
        value,
        activeEnabled,
        idleSessionTimeout,
        dataConnectionTimeout,
        acceptTimeout,
        connectTimeout,
        maxPerIp,
        delayFailedLogin,
        maxLoginFails,
        uploadSettle);
  }

  public FilesSettings withActiveEnabled(boolean value) {
    return new FilesSettings(
        root,
        users,
        anonymous,
        passivePorts,
        value,
        idleSessionTimeout,
        dataConnectionTimeout,
        acceptTimeout,
        connectTimeout,
        maxPerIp,
        delayFailedLogin,
        maxLoginFails,
        uploadSettle);
  }

  /** Sets the four timeouts at once (the command line's and the tests' way). */
  public FilesSettings withTimeouts(
      Duration idleSession, Duration dataConnection, Duration accept, Duration connect) {
    return new FilesSettings(
        root,
        users,
        anonymous,
        passivePorts,
        activeEnabled,
        idleSession,
        dataConnection,
        accept,
        connect,
        maxPerIp,
        delayFailedLogin,
        maxLoginFails,
        uploadSettle);
  }

  /** Sets the login and per-address limits at once. */
  public FilesSettings withLoginLimits(int perIp, Duration failedLoginDelay, int loginFails) {
    return new FilesSettings(
        root,
        users,
        anonymous,
        passivePorts,
        activeEnabled,
        idleSessionTimeout,
        dataConnectionTimeout,
        acceptTimeout,
        connectTimeout,
        perIp,
        failedLoginDelay,
        loginFails,
        uploadSettle);
  }

  @Override
  public String toString() {
    return "root="
        + root
        + " users="
        + (users == null ? "none" : users.names().size())
        + " anonymous="
        + anonymous.name().toLowerCase(java.util.Locale.ROOT)
        + " passive-ports="
        + (passivePorts == null ? "any" : passivePorts)
        + " active="
        + (activeEnabled ? "on" : "off");
  }
}
