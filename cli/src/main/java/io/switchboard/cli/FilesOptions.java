package io.switchboard.cli;

import io.switchboard.engine.Application;
import io.switchboard.engine.Engine;
import io.switchboard.files.FilesServer;
import io.switchboard.files.FilesSettings;
import io.switchboard.files.UsersFile;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Supplier;
import picocli.CommandLine.Option;

/**
 * {@code serve}'s options for the file server ({@code --app files}), as a picocli mixin. Names
 * follow vsftpd's configuration keys where there is one ({@code --idle-session-timeout} is {@code
 * idle_session_timeout}, {@code --max-per-ip} is {@code max_per_ip}, ...); {@code
 * --max-connections} is its {@code max_clients}. Defaults are {@link FilesSettings#of}'s.
 *
 * <p>Thread contract: filled in by picocli on the main thread, then only read.
 */
final class FilesOptions {
  private static final FilesSettings DEFAULTS = FilesSettings.of(Path.of("."));

  @Option(
      names = "--users",
      paramLabel = "FILE",
      description =
          "files: who may log in (NAME:HASH lines; add with: switchboard files adduser NAME "
              + "--users FILE).")
  Path users;

  @Option(
      names = "--anonymous",
      paramLabel = "off|read-only",
      defaultValue = "off",
      description = "files: let 'anonymous' log in, read-only (default: ${DEFAULT-VALUE}).")
  String anonymous;

  @Option(
      names = "--passive-ports",
      paramLabel = "FIRST-LAST",
      description = "files: ports for PASV/EPSV data connections (default: any free port).")
  String passivePorts;

  @Option(
      names = "--active",
      paramLabel = "on|off",
      defaultValue = "off",
      description =
          "files: allow PORT/EPRT (the server connects to the client) (default: ${DEFAULT-VALUE}).")
  String active;

  @Option(
      names = "--idle-session-timeout",
      paramLabel = "SECONDS",
      description = "files: disconnect a client idle this long between commands (default: 300).")
  Long idleSessionTimeout;

  @Option(
      names = "--data-connection-timeout",
      paramLabel = "SECONDS",
      description = "files: drop a data connection that moves nothing this long (default: 300).")
  Long dataConnectionTimeout;

  @Option(
      names = "--accept-timeout",
      paramLabel = "SECONDS",
      description = "files: how long a passive port waits for the client (default: 60).")
  Long acceptTimeout;

  @Option(
      names = "--connect-timeout",
      paramLabel = "SECONDS",
      description = "files: how long connecting to an active-mode client may take (default: 60).")
  Long connectTimeout;

  @Option(
      names = "--max-per-ip",
      paramLabel = "N",
      description = "files: control connections per client address, 0 = no limit (default: 50).")
  Integer maxPerIp;

  @Option(
      names = "--delay-failed-login",
      paramLabel = "SECONDS",
      description = "files: wait before answering a wrong password (default: 1).")
  Long delayFailedLogin;

  @Option(
      names = "--max-login-fails",
      paramLabel = "N",
      description = "files: wrong passwords before the connection is dropped (default: 3).")
  Integer maxLoginFails;

  /** The rules of the file server's numbers, each said with its flag. */
  void validate() {
    atLeastIfSet("--idle-session-timeout", idleSessionTimeout, 1);
    atLeastIfSet("--data-connection-timeout", dataConnectionTimeout, 1);
    atLeastIfSet("--accept-timeout", acceptTimeout, 1);
    atLeastIfSet("--connect-timeout", connectTimeout, 1);
    atLeastIfSet("--delay-failed-login", delayFailedLogin, 0);
    atLeastIfSet("--max-per-ip", maxPerIp == null ? null : maxPerIp.longValue(), 0);
    atLeastIfSet("--max-login-fails", maxLoginFails == null ? null : maxLoginFails.longValue(), 1);
  }

  private static void atLeastIfSet(String flag, Long value, long min) {
    if (value != null) {
      OptionChecks.atLeast(flag, value, min);
    }
  }

  /** The settings these options describe, serving {@code root}. */
  FilesSettings settings(Path root) {
    if (root == null) {
      throw new IllegalArgumentException(
          "files needs --root DIR, the directory it serves (e.g. --root ./shared)");
    }
    FilesSettings settings = FilesSettings.of(root);
    if (users != null) {
      try {
        settings = settings.withUsers(UsersFile.load(users));
      } catch (IOException e) {
        throw new IllegalArgumentException(e.getMessage(), e);
      }
    }
    settings =
        switch (anonymous.toLowerCase(Locale.ROOT)) {
          case "off" -> settings;
          case "read-only" -> settings.withAnonymous(FilesSettings.Anonymous.READ_ONLY);
          default ->
              throw new IllegalArgumentException(
                  "--anonymous must be off or read-only: " + anonymous);
        };
    if (passivePorts != null) {
      settings = settings.withPassivePorts(FilesSettings.PortRange.parse(passivePorts));
    }
    settings = settings.withActiveEnabled(onOff("--active", active));
    return settings
        .withTimeouts(
            seconds(idleSessionTimeout, DEFAULTS.idleSessionTimeout()),
            seconds(dataConnectionTimeout, DEFAULTS.dataConnectionTimeout()),
            seconds(acceptTimeout, DEFAULTS.acceptTimeout()),
            seconds(connectTimeout, DEFAULTS.connectTimeout()))
        .withLoginLimits(
            maxPerIp == null ? DEFAULTS.maxPerIp() : maxPerIp,
            seconds(delayFailedLogin, DEFAULTS.delayFailedLogin()),
            maxLoginFails == null ? DEFAULTS.maxLoginFails() : maxLoginFails);
  }

  /** The file server serving {@code root}; passive data servers come from {@code dataEngines}. */
  Application<?> application(Path root, Supplier<Engine> dataEngines) {
    return FilesServer.application(settings(root), dataEngines);
  }

  private static Duration seconds(Long value, Duration fallback) {
    return value == null ? fallback : Duration.ofSeconds(value);
  }

  private static boolean onOff(String option, String value) {
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "on" -> true;
      case "off" -> false;
      default -> throw new IllegalArgumentException(option + " must be on or off: " + value);
    };
  }
}
