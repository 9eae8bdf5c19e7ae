package io.switchboard.chat.irc;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.chat.ChatHub;
import io.switchboard.chat.ChatSettings;
import io.switchboard.chat.line.ChatServer;
import io.switchboard.engine.Limits;
import io.switchboard.engine.Server;
import io.switchboard.testkit.Await;
import io.switchboard.testkit.LineClient;
import io.switchboard.testkit.ModelVariant;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Real IRC clients from Debian's packages, scripted and headless, in one room with a line client:
 * {@code ii} (driven through its FIFOs, read from its {@code out} files), {@code weechat-headless}
 * (commands through its fifo plugin, what it saw from its logger), and {@code irssi} (in a private
 * tmux server, typed with send-keys, read from its autolog). irssi sends {@code CAP LS 302} and
 * then {@code JOIN :}, and registers only once it hears back; weechat negotiates CAP; ii just sends
 * NICK and USER. Each says something the others must see, and sees what they say.
 *
 * <p>The clients take seconds to start, so this runs on two representative models, not all: a
 * blocking one (a virtual thread per connection) and an event-loop one (the multi-reactor). The
 * protocol suite ({@link IrcSuiteTest}) covers every model.
 */
class IrcClientsTest {
  private static final Set<String> REPRESENTATIVE = Set.of("virtual", "reactor");
  private static final Limits LIMITS = Limits.DEFAULT.withShutdownDeadline(Duration.ofSeconds(2));
  private static final String ROOM = "switchboard";
  private static final String CHANNEL = "#" + ROOM;

  static Stream<ModelVariant> models() {
    return ModelVariant.defaults().filter(model -> REPRESENTATIVE.contains(model.model()));
  }

  @TempDir Path dir;

  @ParameterizedTest(name = "{0}")
  @MethodSource("models")
  void iiWeechatIrssiAndALineClientTalkInOneRoom(ModelVariant model) throws Exception {
    ChatHub hub = new ChatHub(ChatSettings.DEFAULT);
    try (Server irc =
            model.start(IrcServer.application(hub, IrcSettings.named("irc.test")), LIMITS, 8);
        Server line = model.start(ChatServer.application(hub), LIMITS, 8);
        LineClient liner = LineClient.connect(line.localAddress())) {
      int port = irc.localAddress().getPort();
      liner.expectPrefix("= joined #lobby");
      liner.send("/nick liner");
      liner.send("/join " + ROOM);
      liner.expectPrefix("= joined " + CHANNEL);

      try (Ii ii = Ii.start(dir.resolve("ii"), port, "iiuser");
          Weechat weechat = Weechat.start(dir.resolve("weechat"), port, "wcuser", CHANNEL);
          Irssi irssi = Irssi.start(dir.resolve("irssi"), port, "irssiuser", CHANNEL)) {
        // weechat and irssi join by themselves once registered (their autojoin); ii is told to.
        ii.command("/j " + CHANNEL);
        Set<String> joined = new java.util.HashSet<>();
        while (joined.size() < 3) {
          String said = liner.readLine();
          if (said.startsWith(CHANNEL + " -- ") && said.endsWith(" joined")) {
            joined.add(said.substring(CHANNEL.length() + 4, said.length() - " joined".length()));
          }
        }
        assertThat(joined).containsExactlyInAnyOrder("iiuser", "wcuser", "irssiuser");

        // Each IRC client speaks; the line client hears all three.
        ii.say(CHANNEL, "hello from ii");
        liner.until(CHANNEL + " <iiuser> hello from ii");
        // (/msg from the core buffer: the channel buffer may not exist yet when the server says
        // wcuser
        // joined)
        weechat.command("*/msg -server sb " + CHANNEL + " hello from weechat");
        liner.until(CHANNEL + " <wcuser> hello from weechat");
        irssi.type("/msg " + CHANNEL + " hello from irssi");
        liner.until(CHANNEL + " <irssiuser> hello from irssi");
        irssi.type("/action " + CHANNEL + " waves from irssi");
        liner.until(CHANNEL + " * irssiuser waves from irssi");

        // The line client speaks and acts; every IRC client shows it, and each shows the others.
        liner.send("hello from the line");
        liner.send("/me waves back");
        ii.awaitChannelLine(CHANNEL, "<liner> hello from the line");
        ii.awaitChannelLine(CHANNEL, "<wcuser> hello from weechat");
        ii.awaitChannelLine(CHANNEL, "<irssiuser> hello from irssi");
        weechat.awaitLog(CHANNEL, "liner\thello from the line"); // "@liner": he runs the room
        weechat.awaitLog(CHANNEL, " *\tliner waves back");
        weechat.awaitLog(CHANNEL, "\tiiuser\thello from ii");
        irssi.awaitLog(CHANNEL, "liner> hello from the line");
        irssi.awaitLog(CHANNEL, "* liner waves back");
        irssi.awaitLog(CHANNEL, "wcuser> hello from weechat");

        // A nick change and a quit from IRC reach everyone, on both fronts (ii shows no one's nick
        // change but its own).
        irssi.type("/nick irssi2");
        liner.until(CHANNEL + " -- irssiuser is now irssi2");
        weechat.awaitLog(CHANNEL, "irssiuser is now known as irssi2");
        irssi.type("/quit see you");
        liner.until(CHANNEL + " -- irssi2 quit (see you)");
        weechat.awaitLog(CHANNEL, "irssi2 (~irssiuser@127.0.0.1) has quit");
        ii.command("/q");
        liner.until(said -> said.startsWith(CHANNEL + " -- iiuser quit"));
      }
    }
  }

  // ---- The clients ---------------------------------------------------------------------------

  /** Writes to a FIFO a client reads, without hanging the test if the client is gone. */
  private static void writeFifo(Path fifo, String text) {
    Await.until("the FIFO " + fifo, () -> Files.exists(fifo));
    CompletableFuture<Void> write =
        CompletableFuture.runAsync(
            () -> {
              try {
                Files.writeString(fifo, text + "\n", StandardCharsets.UTF_8);
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            },
            run -> Thread.ofVirtual().start(run));
    try {
      write.get(Await.DEFAULT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      write.cancel(true);
      throw new AssertionError("could not write to " + fifo, e);
    }
  }

  private static void awaitFileLine(Path file, String wanted) {
    try {
      Await.until(
          file + " shows '" + wanted + "'",
          () -> {
            try {
              return Files.exists(file)
                  && Files.readAllLines(file, StandardCharsets.UTF_8).stream()
                      .anyMatch(line -> line.contains(wanted));
            } catch (IOException e) {
              return false;
            }
          });
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "; it holds:\n" + contents(file), e);
    }
  }

  private static String contents(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "(no file)";
    } catch (IOException e) {
      return e.toString();
    }
  }

  private static Process start(Path dir, List<String> command) throws IOException {
    Files.createDirectories(dir);
    return new ProcessBuilder(command)
        .directory(dir.toFile())
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("output.txt").toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
        .start();
  }

  private static void stop(Process process) {
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }

  /** suckless ii: a directory tree of FIFOs ({@code in}) and logs ({@code out}) per channel. */
  private record Ii(Process process, Path server) implements AutoCloseable {
    static Ii start(Path dir, int port, String nick) throws IOException {
      Process process =
          IrcClientsTest.start(
              dir,
              List.of(
                  "ii",
                  "-s",
                  "127.0.0.1",
                  "-p",
                  Integer.toString(port),
                  "-n",
                  nick,
                  "-i",
                  dir.toString()));
      return new Ii(process, dir.resolve("127.0.0.1"));
    }

    void command(String text) {
      writeFifo(server.resolve("in"), text);
    }

    void say(String channel, String text) {
      writeFifo(server.resolve(channel).resolve("in"), text);
    }

    void awaitChannelLine(String channel, String wanted) {
      awaitFileLine(server.resolve(channel).resolve("out"), wanted);
    }

    @Override
    public void close() {
      stop(process);
    }
  }

  /** weechat-headless: commands through the fifo plugin, what it shows from its logger. */
  private record Weechat(Process process, Path dir) implements AutoCloseable {
    static Weechat start(Path dir, int port, String nick, String channel) throws IOException {
      Files.createDirectories(dir);
      String setup =
          String.join(
              ";",
              "/set fifo.file.path " + dir.resolve("fifo"),
              "/set logger.file.flush_delay 0",
              "/server add sb 127.0.0.1/"
                  + port
                  + " -notls -nicks="
                  + nick
                  + " -autojoin="
                  + channel,
              "/connect sb");
      Process process =
          IrcClientsTest.start(
              dir, List.of("weechat-headless", "--dir", dir.toString(), "--run-command", setup));
      return new Weechat(process, dir);
    }

    /** A line for the fifo plugin: {@code [buffer ]*text} (a command or a message). */
    void command(String text) {
      writeFifo(dir.resolve("fifo"), text);
    }

    void awaitLog(String channel, String wanted) {
      awaitFileLine(dir.resolve("logs").resolve("irc.sb." + channel + ".weechatlog"), wanted);
    }

    @Override
    public void close() {
      stop(process);
    }
  }

  /** irssi, a terminal client, in a tmux server of its own: typed into, read from its autolog. */
  private record Irssi(Path dir, Path socket) implements AutoCloseable {
    static Irssi start(Path dir, int port, String nick, String channel)
        throws IOException, InterruptedException {
      Files.createDirectories(dir);
      Files.writeString(
          dir.resolve("config"),
          """
          servers = ({ address = "127.0.0.1"; chatnet = "sb"; port = "%d"; autoconnect = "yes"; });
          chatnets = { sb = { type = "IRC"; }; };
          channels = ({ name = "%s"; chatnet = "sb"; autojoin = "yes"; });
          settings = {
            core = { real_name = "irssi tester"; user_name = "%s"; nick = "%s"; };
            "irc/core" = { cmd_queue_speed = "0"; };
            "fe-common/core" = {
              autolog = "yes"; autolog_path = "%s/logs/$0.log"; autolog_level = "all";
            };
          };
          """
              .formatted(port, channel, nick, nick, dir));
      Irssi irssi = new Irssi(dir, dir.resolve("tmux.sock"));
      irssi.tmux("new-session", "-d", "-x", "200", "-y", "50", "irssi --home=" + dir);
      return irssi;
    }

    /** Types {@code text} and Enter. */
    void type(String text) throws IOException, InterruptedException {
      tmux("send-keys", "-l", text);
      tmux("send-keys", "Enter");
    }

    void awaitLog(String channel, String wanted) {
      awaitFileLine(dir.resolve("logs").resolve(channel + ".log"), wanted);
    }

    private void tmux(String... args) throws IOException, InterruptedException {
      assertThat(run(args)).as("tmux %s", args[0]).isZero();
    }

    private int run(String... args) throws IOException, InterruptedException {
      List<String> command = new ArrayList<>(List.of("tmux", "-S", socket.toString()));
      command.addAll(List.of(args));
      Process process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      return process.waitFor();
    }

    /**
     * Ends the private tmux server this test started (nothing else); gone already if irssi quit.
     */
    @Override
    public void close() throws IOException {
      try {
        run("kill-server");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
