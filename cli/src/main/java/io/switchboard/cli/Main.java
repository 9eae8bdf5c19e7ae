package io.switchboard.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code switchboard} command: one entry point, a subcommand per job. */
@Command(
    name = "switchboard",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    description = "A concurrent TCP server toolkit: one application contract, every IO model.",
    subcommands = {
      ServeCommand.class,
      ChatCommand.class,
      FilesCommand.class,
      BenchCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line and returns the exit code. */
  public static int run(String... args) {
    // In the streams' own encoding (the terminal's), not the JVM default (UTF-8 since Java 18).
    return run(
        new PrintWriter(System.out, true, System.out.charset()),
        new PrintWriter(System.err, true, System.err.charset()),
        args);
  }

  /** Runs the command line with its output and errors going to the given writers (for tests). */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    System.setProperty("MODELS", ServeCommand.modelList()); // picocli's ${MODELS} in help
    CommandLine commandLine =
        new CommandLine(new Main())
            .setCaseInsensitiveEnumValuesAllowed(true)
            .setUsageHelpAutoWidth(true) // help fits the terminal, not 80 columns
            .setOut(out)
            .setErr(err);
    Path config = configFile(args);
    if (config != null) {
      // The file's values are serve's defaults, so they must be in place before the command line
      // is parsed: the one option read ahead of the rest.
      CommandLine serve = commandLine.getSubcommands().get("serve");
      try {
        serve.setDefaultValueProvider(ConfigFile.read(config, serve.getCommandSpec()));
      } catch (IllegalArgumentException e) {
        err.println("switchboard serve: " + e.getMessage());
        return 2;
      }
    }
    return commandLine.execute(args);
  }

  /** The file named by {@code serve --config FILE} (or {@code --config=FILE}), or null. */
  static Path configFile(String... args) {
    if (args.length == 0 || !args[0].equals("serve")) {
      return null;
    }
    for (int i = 1; i < args.length; i++) {
      if (args[i].equals("--config") && i + 1 < args.length) {
        return Path.of(args[i + 1]);
      }
      if (args[i].startsWith("--config=")) {
        return Path.of(args[i].substring("--config=".length()));
      }
    }
    return null;
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
