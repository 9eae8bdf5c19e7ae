package io.switchboard.bench;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How to start one server under test as its own process: {@code java [jvmArgs] -cp classPath
 * mainClass serve --app A --model M [--key value...] [app options...] --port 0 --max-connections N
 * --idle-timeout 0}. The server must print {@code listening on <ip>:<port>} once bound.
 *
 * <p>Thread contract: an immutable value.
 *
 * @param java the java binary
 * @param classPath the class path for the server (normally the bench's own)
 * @param mainClass the CLI entry point that understands {@code serve}
 * @param jvmArgs options for the server's JVM, e.g. a heap size
 */
public record ServerLauncher(
    String java, String classPath, String mainClass, List<String> jvmArgs) {

  /** The CLI's entry point, which provides {@code serve}. */
  public static final String CLI_MAIN = "io.switchboard.cli.Main";

  public ServerLauncher {
    Objects.requireNonNull(java, "java");
    Objects.requireNonNull(classPath, "classPath");
    Objects.requireNonNull(mainClass, "mainClass");
    jvmArgs = List.copyOf(jvmArgs);
  }

  /**
   * The same java binary, class path and JVM tuning flags ({@code -X...}, {@code -XX:...}) as this
   * process, running {@code mainClass}: the servers run as {@code ./switchboard serve} would (the
   * launcher script sets the flags), whatever they are.
   */
  public static ServerLauncher current(String mainClass) {
    String java =
        ProcessHandle.current()
            .info()
            .command()
            .orElse(System.getProperty("java.home") + "/bin/java");
    return new ServerLauncher(
        java,
        System.getProperty("java.class.path"),
        mainClass,
        tuningFlags(ManagementFactory.getRuntimeMXBean().getInputArguments()));
  }

  /**
   * The flags among {@code jvmArgs} that tune the JVM (heap, GC, stacks), without those that attach
   * something to this process only (agents, debuggers, flight recordings).
   */
  static List<String> tuningFlags(List<String> jvmArgs) {
    return jvmArgs.stream()
        .filter(
            arg ->
                arg.startsWith("-X")
                    && !arg.startsWith("-XX:StartFlightRecording")
                    && !arg.startsWith("-XX:FlightRecorder")
                    && !arg.startsWith("-Xrun")
                    && !arg.startsWith("-Xdebug")
                    && !arg.startsWith("-Xlog"))
        .toList();
  }

  /** {@link #current(String)} with the CLI's main class. */
  public static ServerLauncher current() {
    return current(CLI_MAIN);
  }

  public ServerLauncher withJvmArgs(List<String> args) {
    return new ServerLauncher(java, classPath, mainClass, args);
  }

  /**
   * The command line for one server; {@code appArgs} are {@code serve} options for the app (the
   * chat hub's rate limit), {@code cpuList} (e.g. "0") pins it with taskset.
   */
  public List<String> command(
      String app, ModelSpec model, List<String> appArgs, int maxConnections, String cpuList) {
    List<String> command = new ArrayList<>();
    if (cpuList != null) {
      command.addAll(List.of("taskset", "-c", cpuList));
    }
    command.add(java);
    command.addAll(jvmArgs);
    // The epoll model calls Linux through the FFM API, and Netty's transports load JNI libraries:
    // allowed, as the jar's manifest allows them for `java -jar`, so no warning is printed.
    command.add("--enable-native-access=ALL-UNNAMED");
    String path = model.jar() == null ? classPath : model.jar();
    command.addAll(
        List.of("-cp", path, mainClass, "serve", "--app", app, "--model", model.model()));
    for (Map.Entry<String, String> option : model.serveOptions().entrySet()) {
      command.add("--" + option.getKey());
      command.add(option.getValue());
    }
    command.addAll(appArgs);
    // A line per connection opened and closed is what an operator wants, and what a connection
    // storm of a benchmark should not pay for: the bench measures the model, not the log. (A
    // build from before the option, run with jar=, would refuse it.)
    if (model.jar() == null) {
      command.addAll(List.of("--log-level", "warn"));
    }
    command.addAll(
        List.of(
            "--port",
            "0",
            "--max-connections",
            Integer.toString(maxConnections),
            "--idle-timeout",
            "0"));
    return command;
  }
}
