package io.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.chat.ChatSettings;
import io.switchboard.chat.line.ChatServer;
import io.switchboard.engine.Limits;
import io.switchboard.engine.Server;
import io.switchboard.engine.spi.EngineOptions;
import io.switchboard.engine.spi.Engines;
import io.switchboard.testkit.Await;
import io.switchboard.testkit.LineClient;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code switchboard serve} as a user runs it: a real process, a real socket, a real SIGTERM. */
class ServeCommandTest {
  private static final Pattern LISTENING = Pattern.compile("listening on ([0-9.]+):(\\d+)");

  @ParameterizedTest(name = "{0} on {1}")
  @CsvSource({
    "echo,  iterative, hello,  hello",
    "upper, threads,   hello,  HELLO",
    "ack,   pool,      hello,  OK",
    "upper, virtual,   straße, STRASSE",
    "echo,  poll,      hello,  hello",
    "upper, select,    hello,  HELLO",
    "ack,   reactor,   hello,  OK",
    "upper, aio,       hello,  HELLO",
    "echo,  netty,     hello,  hello",
  })
  void servesAppOnModelUntilSigterm(String app, String model, String line, String reply)
      throws Exception {
    Process process =
        ChildProcess.switchboard("serve", "--app", app, "--model", model, "--port", "0").start();
    try {
      BufferedReader stdout =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      CompletableFuture<String> stderr =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return new String(
                      process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
                } catch (java.io.IOException e) {
                  return e.toString();
                }
              });
      String first = stdout.readLine();
      Matcher matcher = LISTENING.matcher(String.valueOf(first));
      assertThat(matcher.find()).as("first line: %s", first).isTrue();
      assertThat(stdout.readLine()).contains("nc 127.0.0.1 " + matcher.group(2));
      InetSocketAddress address =
          new InetSocketAddress(
              InetAddress.getLoopbackAddress(), Integer.parseInt(matcher.group(2)));

      try (LineClient client = LineClient.connect(address)) {
        assertThat(client.send(line).readLine()).isEqualTo(reply);
      }

      process.toHandle().destroy(); // SIGTERM, leaving our pipes open to read the last lines
      assertThat(process.waitFor(Await.DEFAULT.toSeconds(), TimeUnit.SECONDS)).isTrue();
      assertThat(process.exitValue()).as("a clean stop on SIGTERM exits 0").isZero();
      String log = stderr.get(Await.DEFAULT.toSeconds(), TimeUnit.SECONDS);
      assertThat(log)
          .contains(app + " on " + model)
          .contains("started with")
          .contains("stopping")
          .contains("stopped");
    } finally {
      process.destroyForcibly();
    }
  }

  @Test
  void portInUseIsAClearError() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Run run = run("serve", "--port", String.valueOf(taken.getLocalPort()));
      assertThat(run.code()).isEqualTo(1);
      assertThat(run.err())
          .contains("cannot listen on 127.0.0.1:" + taken.getLocalPort())
          .contains("--port");
    }
  }

  @Test
  void unknownModelListsTheModels() {
    Run run = run("serve", "--model", "carrier-pigeon");
    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err())
        .contains("unknown model 'carrier-pigeon'")
        .contains(List.of("iterative", "threads", "pool", "virtual"));
  }

  @Test
  void chatSettingsAreCheckedAndShownInHelp() {
    Run run = run("serve", "--chat-rate-limit", "0", "--port", "0");
    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err()).contains("--chat-rate-limit must be more than 0");
    assertThat(run("serve", "--help").out())
        .contains(
            "--chat-rate-limit",
            "(default: 50.0)",
            "--chat-burst",
            "(default: 200)",
            "--chat-history",
            "(default: 100)",
            "--chat-rooms-per-member",
            "(default: 20)",
            "--chat-presence-limit",
            "(default: 200)",
            "--web-port=PORT",
            "also serve the chat page to browsers",
            "--web-allow-origin=ORIGIN",
            "serve --app chat --web-port 8080");
  }

  @Test
  void everyCommandHasHelp() {
    for (String[] args :
        List.of(
            new String[] {"--help"},
            new String[] {"serve", "--help"},
            new String[] {"chat", "--help"})) {
      Run run = run(args);
      assertThat(run.code()).isZero();
      assertThat(run.out()).contains("Usage: switchboard");
    }
  }

  @Test
  void serveWithoutOptionsRunsTheChatHubAndSaysHowToConnect() throws Exception {
    Process process =
        ChildProcess.switchboard("serve", "--port", "0")
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    try {
      BufferedReader stdout =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      String first = stdout.readLine();
      assertThat(first).startsWith("chat on virtual listening on");
      Matcher matcher = LISTENING.matcher(first);
      assertThat(matcher.find()).isTrue();
      String port = matcher.group(2);
      assertThat(stdout.readLine()).contains("nc 127.0.0.1 " + port);
      assertThat(stdout.readLine()).contains("./switchboard chat 127.0.0.1:" + port);
      InetSocketAddress address =
          new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(port));
      try (LineClient client = LineClient.connect(address)) {
        assertThat(client.readLine()).startsWith("= welcome to switchboard chat");
        // SIGTERM with a member connected: a graceful stop closes it, and is a success.
        process.toHandle().destroy();
        assertThat(client.closedByServer(Await.DEFAULT)).isTrue();
      }
      assertThat(process.waitFor(Await.DEFAULT.toSeconds(), TimeUnit.SECONDS)).isTrue();
      assertThat(process.exitValue()).as("exit status after SIGTERM (a clean stop)").isZero();
    } finally {
      process.destroyForcibly();
    }
  }

  @Test
  void chatCommandPipesLinesToTheHub() throws Exception {
    Server hub =
        Engines.named("virtual")
            .create(EngineOptions.DEFAULT)
            .start(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                ChatServer.application(ChatSettings.DEFAULT),
                Limits.DEFAULT);
    try (LineClient watcher = LineClient.connect(hub.localAddress())) {
      Process process =
          ChildProcess.switchboard(
                  "chat", "127.0.0.1:" + hub.localAddress().getPort(), "--name", "probe")
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      try {
        process.getOutputStream().write("reading 21.5C\n".getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().close(); // end of input: the client says /quit
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(Await.DEFAULT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isZero();
        assertThat(output).contains("= you are now probe").contains("= bye");
        String line;
        do {
          line = watcher.readLine();
        } while (!line.equals("#lobby <probe> reading 21.5C"));
      } finally {
        process.destroyForcibly();
      }
    } finally {
      hub.shutdown();
    }
  }

  @Test
  void chatWithAnIrcPortServesBothFrontsInOneHubAndStopsBoth() throws Exception {
    try (RunningServe serve =
        RunningServe.start("--port", "0", "--irc-port", "0", "--irc-name", "irc.example")) {
      // The banner: the main port with its hints, then the IRC port with the IRC clients' hints.
      List<String> banner = serve.banner();
      assertThat(banner.get(0)).startsWith("chat on virtual listening on 127.0.0.1:");
      String irc =
          banner.stream()
              .filter(line -> line.startsWith("  irc listening on "))
              .findFirst()
              .orElseThrow();
      int ircPort = Integer.parseInt(irc.substring(irc.lastIndexOf(':') + 1));
      assertThat(banner)
          .contains(
              "  connect with:  irssi -c 127.0.0.1 -p " + ircPort + " -n NICK",
              "            or:  ii -s 127.0.0.1 -p " + ircPort + " -n NICK")
          .last()
          .isEqualTo("  stop with:     Ctrl-C");
      try (LineClient bob = LineClient.connect(serve.address());
          LineClient alice =
              LineClient.connect(
                  new InetSocketAddress(InetAddress.getLoopbackAddress(), ircPort))) {
        bob.expectPrefix("= joined #lobby");
        alice.send("NICK alice");
        alice.send("USER alice 0 * :Alice");
        assertThat(alice.readLine()).startsWith(":irc.example 001 alice ");
        alice.send("JOIN #lobby");
        bob.until("#lobby -- alice joined");
        alice.send("PRIVMSG #lobby :hello from IRC");
        bob.until("#lobby <alice> hello from IRC");
      }
      assertThat(serve.stop()).isZero();
      assertThat(serve.log())
          .anyMatch(line -> line.contains("irc on virtual stopped"))
          .anyMatch(line -> line.contains("chat on virtual stopped"));
    }
  }

  @Test
  void ircOptionsAreChecked() throws Exception {
    Run withoutPort = run("serve", "--port", "0", "--irc-name", "irc.example");
    assertThat(withoutPort.code()).isEqualTo(2);
    assertThat(withoutPort.err()).contains("--irc-name and --irc-opers need --irc-port");
    Run missingFile =
        run("serve", "--port", "0", "--irc-port", "0", "--irc-opers", "/nonexistent/opers.txt");
    assertThat(missingFile.code()).isEqualTo(2);
    assertThat(missingFile.err())
        .contains("--irc-opers: users file /nonexistent/opers.txt does not exist")
        .contains("switchboard files adduser NAME --users /nonexistent/opers.txt");
    Run badName = run("serve", "--port", "0", "--irc-port", "0", "--irc-name", "two words");
    assertThat(badName.code()).isEqualTo(2);
    assertThat(badName.err()).contains("the IRC server name must be a host-like word");
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Run busy = run("serve", "--port", "0", "--irc-port", Integer.toString(taken.getLocalPort()));
      assertThat(busy.code()).isEqualTo(1);
      assertThat(busy.err())
          .contains("cannot listen on 127.0.0.1:" + taken.getLocalPort())
          .contains("pick another --irc-port");
    }
    Run processes = run("serve", "--port", "0", "--irc-port", "0", "--processes", "2");
    assertThat(processes.code()).isEqualTo(2);
    assertThat(processes.err()).contains("cannot run with --processes");
  }

  @Test
  void chatWithAWebPortServesThePageAndItsSocketInTheSameHub() throws Exception {
    try (RunningServe serve = RunningServe.start("--port", "0", "--web-port", "0")) {
      String web =
          serve.banner().stream()
              .filter(line -> line.startsWith("  web listening on "))
              .findFirst()
              .orElseThrow();
      int webPort = Integer.parseInt(web.substring(web.lastIndexOf(':') + 1));
      assertThat(serve.banner())
          .contains("  connect with:  a browser at http://127.0.0.1:" + webPort + "/");
      HttpClient http = HttpClient.newHttpClient();
      HttpResponse<String> page =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + webPort + "/")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(page.statusCode()).isEqualTo(200);
      assertThat(page.body()).contains("<title>switchboard chat</title>");
      try (LineClient bob = LineClient.connect(serve.address())) {
        bob.expectPrefix("= joined #lobby");
        // The JDK's own WebSocket client, as a page's script would talk.
        CompletableFuture<String> named = new CompletableFuture<>();
        WebSocket socket =
            http.newWebSocketBuilder()
                .buildAsync(
                    URI.create("ws://127.0.0.1:" + webPort + "/socket"),
                    new WebSocket.Listener() {
                      @Override
                      public CompletionStage<?> onText(
                          WebSocket ws, CharSequence data, boolean last) {
                        if (data.toString().contains("\"type\":\"you\"")
                            && data.toString().contains("\"jdk\"")) {
                          named.complete(data.toString());
                        }
                        ws.request(1);
                        return null;
                      }
                    })
                .get(10, TimeUnit.SECONDS);
        socket.sendText("{\"line\":\"/nick jdk\"}", true).get(10, TimeUnit.SECONDS);
        named.get(10, TimeUnit.SECONDS);
        socket.sendText("{\"line\":\"hello from a WebSocket\"}", true).get(10, TimeUnit.SECONDS);
        bob.until("#lobby <jdk> hello from a WebSocket");
        // A line near chat's limit (--max-line, 2,000 bytes) whose JSON is longer than that: the
        // socket's message limit leaves room for the escapes, so the hub's own limit decides.
        String quotes = "\"quoted\" ".repeat(190).strip();
        socket
            .sendText("{\"line\":\"" + quotes.replace("\"", "\\\"") + "\"}", true)
            .get(10, TimeUnit.SECONDS);
        bob.until("#lobby <jdk> " + quotes);
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(10, TimeUnit.SECONDS);
      }
      assertThat(serve.stop()).isZero();
      assertThat(serve.log()).anyMatch(line -> line.contains("web on virtual stopped"));
    }
  }

  @Test
  void webOptionsAreChecked() throws Exception {
    Run withoutPort = run("serve", "--port", "0", "--web-allow-origin", "https://example.org");
    assertThat(withoutPort.code()).isEqualTo(2);
    assertThat(withoutPort.err()).contains("--web-allow-origin needs --web-port");
    Run badOrigin =
        run("serve", "--port", "0", "--web-port", "0", "--web-allow-origin", "example.org/chat");
    assertThat(badOrigin.code()).isEqualTo(2);
    assertThat(badOrigin.err())
        .contains("--web-allow-origin: not an origin: 'example.org/chat'")
        .contains("scheme://host[:port]");
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Run busy = run("serve", "--port", "0", "--web-port", Integer.toString(taken.getLocalPort()));
      assertThat(busy.code()).isEqualTo(1);
      assertThat(busy.err()).contains("pick another --web-port");
    }
  }

  private static Run run(String... args) {
    return Run.of(args);
  }
}
