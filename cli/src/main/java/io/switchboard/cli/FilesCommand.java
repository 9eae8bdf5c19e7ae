package io.switchboard.cli;

import io.switchboard.files.UsersFile;
import io.switchboard.files.client.FilesClient;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code switchboard files HOST:PORT [--user NAME] [COMMAND...]}: the file server's client,
 * interactive or one command whose exit code says whether it worked; and {@code switchboard files
 * adduser NAME --users FILE}, which adds or replaces a user of a users file.
 *
 * <p>Passwords are prompted on a terminal (twice for adduser) and read as one line from standard
 * input otherwise, so scripts can pipe them in; they never appear on the command line.
 *
 * <p>Thread contract: picocli runs it on the main thread.
 */
@Command(
    name = "files",
    mixinStandardHelpOptions = true,
    subcommands = FilesCommand.AddUser.class,
    description = {
      "The file server's client: list, get and put over FTP, with a progress bar.",
      "",
      "Interactive when no COMMAND is given (ls, cd, pwd, get, put, mkdir, rmdir, rm, mv, quit)."
          + " One-shot: switchboard files HOST:PORT [--user NAME] get NAME [LOCAL] | put PATH"
          + " [NAME] | ls [DIR] | mkdir DIR | rm NAME; the exit code is 0 if it worked, 1 if not.",
      ""
    },
    footer = {
      "",
      "Examples:",
      "  switchboard files adduser alice --users users.txt",
      "  switchboard serve --app files --root ./shared --users users.txt --port 2121",
      "  switchboard files 127.0.0.1:2121 --user alice",
      "  echo \"$PASSWORD\" | switchboard files 127.0.0.1:2121 --user alice get report.pdf"
    })
final class FilesCommand implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "HOST:PORT",
      description = "The file server, e.g. 127.0.0.1:2121.")
  String target;

  @Parameters(
      index = "1..*",
      paramLabel = "COMMAND",
      description = "One command to run, then exit.")
  List<String> command = List.of();

  @Option(
      names = "--user",
      paramLabel = "NAME",
      description = "Log in as NAME, password prompted or read from stdin (default: anonymous).")
  String user;

  @Option(names = "--no-progress", description = "No progress bar on transfers.")
  boolean noProgress;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (target == null) {
      spec.commandLine().usage(err);
      return 2;
    }
    HostAndPort server;
    try {
      server = HostAndPort.parse(target);
    } catch (IllegalArgumentException e) {
      err.println("switchboard files: " + e.getMessage());
      return 2;
    }
    Console console = System.console();
    BufferedReader stdin =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    char[] password = null;
    try {
      if (user != null) {
        password = readPassword(console, stdin, "password for " + user + ": ");
        if (password == null) {
          err.println("switchboard files: no password given");
          return 2;
        }
      }
      try (FilesClient client =
          FilesClient.connect(
              new InetSocketAddress(server.host(), server.port()),
              user,
              password,
              out,
              err,
              !noProgress && console != null)) {
        if (!command.isEmpty()) {
          return client.run(command) ? 0 : 1;
        }
        client.interact(stdin, console != null);
        return 0;
      }
    } catch (IOException e) {
      err.println(
          "switchboard files: " + server.host() + ":" + server.port() + ": " + e.getMessage());
      return 1;
    } finally {
      if (password != null) {
        Arrays.fill(password, '\0');
      }
    }
  }

  /** On a terminal, prompted without echo; otherwise the next line of stdin (null at its end). */
  static char[] readPassword(Console console, BufferedReader stdin, String prompt)
      throws IOException {
    if (console != null) {
      return console.readPassword("%s", prompt);
    }
    String line = stdin.readLine();
    return line == null ? null : line.toCharArray();
  }

  /** {@code switchboard files adduser NAME --users FILE}. */
  @Command(
      name = "adduser",
      mixinStandardHelpOptions = true,
      description = {
        "Add a user to a users file, or replace their password.",
        "",
        "The password is asked twice on a terminal, or read as one line from stdin. The file keeps"
            + " salted Argon2id hashes, is written atomically and readable by its owner only;"
            + " serve --app files --users FILE and the IRC front's operators read it."
      })
  static final class AddUser implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "NAME", description = "The user's name.")
    String name;

    @Option(
        names = "--users",
        paramLabel = "FILE",
        required = true,
        description = "The users file.")
    Path users;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      Console console = System.console();
      BufferedReader stdin =
          new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      char[] password = null;
      char[] again = null;
      try {
        password = readPassword(console, stdin, "password for " + name + ": ");
        if (password == null || password.length == 0) {
          err.println("switchboard files adduser: no password given");
          return 2;
        }
        if (console != null) {
          again = console.readPassword("again: ");
          if (again == null || !Arrays.equals(password, again)) {
            err.println("switchboard files adduser: the passwords differ; nothing changed");
            return 1;
          }
        }
        UsersFile file = UsersFile.loadOrEmpty(users);
        boolean replacing = file.names().contains(name);
        file.withUser(name, password).save();
        out.println((replacing ? "replaced the password of " : "added ") + name + " in " + users);
        return 0;
      } catch (IllegalArgumentException e) {
        err.println("switchboard files adduser: " + e.getMessage());
        return 2;
      } catch (IOException e) {
        err.println("switchboard files adduser: " + e.getMessage());
        return 1;
      } finally {
        if (password != null) {
          Arrays.fill(password, '\0');
        }
        if (again != null) {
          Arrays.fill(again, '\0');
        }
      }
    }
  }
}
