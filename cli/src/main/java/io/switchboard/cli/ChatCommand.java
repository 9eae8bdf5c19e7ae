package io.switchboard.cli;

import io.switchboard.chat.client.ChatClient;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code switchboard chat HOST:PORT}: the terminal chat client. */
@Command(
    name = "chat",
    mixinStandardHelpOptions = true,
    description = {
      "Chat with a switchboard chat hub (the terminal client).",
      "",
      "In a terminal, incoming messages appear above the line you type; when stdin is not a"
          + " terminal, lines in and messages out (for scripts and devices). Leave with /quit,"
          + " Ctrl-D or Ctrl-C. /help lists the hub's commands.",
    },
    footer = {
      "",
      "Exit status: 0 when you leave (/quit, Ctrl-D, Ctrl-C, end of input), 1 when the hub cannot"
          + " be reached, 3 when it is full, 4 when it ends the session itself (it shuts down,"
          + " or drops you: too slow, a line too long); the reason is printed.",
      "",
      "Examples:",
      "  switchboard chat 127.0.0.1:7000 --name alice --room dev",
      "  echo 'sensor 21.5C' | switchboard chat 127.0.0.1:7000 --name probe-1",
    })
final class ChatCommand implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(paramLabel = "HOST:PORT", description = "The hub, e.g. 127.0.0.1:7000.")
  String target;

  @Option(names = "--name", description = "Your name (default: a guest name from the hub).")
  String name;

  @Option(names = "--room", description = "Room to join and talk in (default: the hub's lobby).")
  String room;

  @Override
  public Integer call() {
    HostAndPort hub;
    try {
      hub = HostAndPort.parse(target);
    } catch (IllegalArgumentException e) {
      spec.commandLine().getErr().println("switchboard chat: " + e.getMessage());
      return 2;
    }
    return new ChatClient().run(hub.host(), hub.port(), name, room);
  }
}
