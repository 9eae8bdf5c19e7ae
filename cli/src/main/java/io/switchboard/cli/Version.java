package io.switchboard.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/**
 * What {@code switchboard --version} prints: the release and the commit the jar was built from
 * (from {@code git.properties}, written at build time; absent when built outside a git checkout).
 *
 * <p>Thread contract: stateless; any thread.
 */
final class Version implements IVersionProvider {
  static final String RELEASE = "0.1.0";

  @Override
  public String[] getVersion() {
    return new String[] {"switchboard " + RELEASE + commit()};
  }

  /** " (commit abc1234 of 2026-11-26)", " (commit abc1234 of 2026-11-26, with local changes)". */
  static String commit() {
    Properties git = new Properties();
    try (InputStream in = Version.class.getResourceAsStream("git.properties")) {
      if (in == null) {
        return " (built outside a git checkout: commit unknown)";
      }
      git.load(in);
    } catch (IOException e) {
      return " (commit unknown: " + e.getMessage() + ")";
    }
    String id = git.getProperty("git.commit.id.abbrev", "unknown");
    String time = git.getProperty("git.commit.time", "");
    boolean dirty = Boolean.parseBoolean(git.getProperty("git.dirty", "false"));
    return " (commit "
        + id
        + (time.isEmpty() ? "" : " of " + time)
        + (dirty ? ", with local changes" : "")
        + ")";
  }
}
