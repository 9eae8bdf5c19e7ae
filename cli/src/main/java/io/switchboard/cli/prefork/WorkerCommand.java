package io.switchboard.cli.prefork;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * The command line that starts worker I: the same java, JVM flags and class path as the supervisor,
 * {@code serve} with the options the user gave (so an option added to {@code serve} reaches the
 * workers with no change here), the shared port, and {@code --worker-index I}.
 *
 * <p>Thread contract: immutable once built; any thread.
 */
public final class WorkerCommand {
  /** {@code serve} options the supervisor sets itself instead of passing them on. */
  private static final Set<String> NOT_PASSED_ON =
      Set.of("--processes", "--port", "--worker-index", "--help", "--version");

  /** JVM flags that would clash if every worker had them (one debug port, one agent output). */
  private static final List<String> JVM_FLAGS_NOT_PASSED_ON =
      List.of("-agentlib", "-agentpath", "-javaagent", "-Xrunjdwp", "-Xdebug");

  private final List<String> prefix;

  private WorkerCommand(List<String> prefix) {
    this.prefix = List.copyOf(prefix);
  }

  /** Built from the parsed {@code serve} command line and the port the workers share. */
  public static WorkerCommand of(ParseResult serve, String mainClass, int port) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    for (String flag : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (JVM_FLAGS_NOT_PASSED_ON.stream().noneMatch(flag::startsWith)) {
        command.add(flag);
      }
    }
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(mainClass);
    command.add(serve.commandSpec().name());
    for (OptionSpec option : serve.matchedOptions()) {
      if (NOT_PASSED_ON.contains(option.longestName())) {
        continue;
      }
      if (option.arity().max() == 0) {
        if (Boolean.TRUE.equals(option.getValue())) {
          command.add(option.longestName());
        }
        continue;
      }
      for (String value : option.originalStringValues()) {
        command.add(option.longestName());
        command.add(value);
      }
    }
    command.add("--port");
    command.add(Integer.toString(port));
    return new WorkerCommand(command);
  }

  /** The full command for worker {@code index}. */
  public List<String> forWorker(int index) {
    List<String> command = new ArrayList<>(prefix);
    command.add("--worker-index");
    command.add(Integer.toString(index));
    return command;
  }
}
