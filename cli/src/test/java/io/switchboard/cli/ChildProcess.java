package io.switchboard.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@code switchboard} command line as a user runs it: a separate JVM (this one's java and class
 * path) with a small heap, so tests see real stdout, exit codes and signals.
 */
final class ChildProcess {
  private ChildProcess() {}

  /** A process builder for {@code switchboard ARGS...}; the caller redirects and starts it. */
  static ProcessBuilder switchboard(String... args) {
    return switchboard(List.of(), args);
  }

  /** {@link #switchboard(String...)} with JVM flags of the test's own (a system property). */
  static ProcessBuilder switchboard(List<String> jvmFlags, String... args) {
    List<String> command =
        new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(), "-Xmx64m"));
    command.addAll(jvmFlags);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
    command.addAll(List.of(args));
    return new ProcessBuilder(command);
  }
}
