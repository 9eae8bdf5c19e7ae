package io.switchboard.chat;

import static io.switchboard.chat.ChatLines.greeting;
import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.chat.client.ChatClient;
import io.switchboard.chat.line.ChatServer;
import io.switchboard.engine.Limits;
import io.switchboard.engine.Server;
import io.switchboard.engine.spi.EngineOptions;
import io.switchboard.engine.spi.Engines;
import io.switchboard.testkit.Await;
import io.switchboard.testkit.LineClient;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The client's plain mode (stdin not a terminal) against a real hub. */
class ChatClientTest {

  private static Server startHub() throws IOException {
    return Engines.named("virtual")
        .create(EngineOptions.DEFAULT)
        .start(
            new InetSocketAddress("127.0.0.1", 0),
            ChatServer.application(ChatSettings.DEFAULT),
            Limits.DEFAULT.withShutdownDeadline(Duration.ofSeconds(2)));
  }

  @Test
  void pipedLinesAreSentAndEndOfInputQuits() throws Exception {
    try (Server hub = startHub();
        LineClient watcher = LineClient.connect(hub.localAddress())) {
      greeting(watcher);
      watcher.send("/join lab");
      watcher.until(line -> line.startsWith("= joined #lab"));
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      InputStream in =
          new ByteArrayInputStream(
              "hello from a script\n/me beeps\n".getBytes(StandardCharsets.UTF_8));
      int code =
          new ChatClient(in, new PrintStream(out, true, StandardCharsets.UTF_8), System.err)
              .run("127.0.0.1", hub.localAddress().getPort(), "probe", "lab");
      assertThat(code).isZero();
      watcher.until("#lab <probe> hello from a script");
      watcher.until("#lab * probe beeps");
      watcher.until("#lab -- probe quit");
      String shown = out.toString(StandardCharsets.UTF_8);
      assertThat(shown).contains("= you are now probe").contains("= joined #lab").contains("= bye");
    }
  }

  /** A client whose keyboard stays silent (stdin open), run on its own thread. */
  private record Running(
      CompletableFuture<Integer> code,
      ByteArrayOutputStream out,
      ByteArrayOutputStream err,
      PipedOutputStream keyboard) {

    static Running start(int port, String name) throws IOException {
      PipedOutputStream keyboard = new PipedOutputStream();
      PipedInputStream in = new PipedInputStream(keyboard);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      CompletableFuture<Integer> code =
          CompletableFuture.supplyAsync(
              () ->
                  new ChatClient(
                          in,
                          new PrintStream(out, true, StandardCharsets.UTF_8),
                          new PrintStream(err, true, StandardCharsets.UTF_8))
                      .run("127.0.0.1", port, name, null));
      return new Running(code, out, err, keyboard);
    }

    int exitCode() throws Exception {
      return code.get(Await.DEFAULT.toSeconds(), TimeUnit.SECONDS);
    }

    String shown() {
      return out.toString(StandardCharsets.UTF_8);
    }

    String told() {
      return err.toString(StandardCharsets.UTF_8);
    }
  }

  @Test
  void serverShutdownEndsTheClientWithTheReasonAndANonZeroStatus() throws Exception {
    Server hub = startHub();
    try {
      Running client = Running.start(hub.localAddress().getPort(), "waiter");
      Await.until("the client joined", () -> client.shown().contains("= joined #lobby"));
      hub.shutdown();
      assertThat(client.exitCode()).isEqualTo(ChatClient.EXIT_ENDED_BY_SERVER);
      assertThat(client.shown()).contains("= server shutting down");
      assertThat(client.told())
          .contains("the server ended the session: the server is shutting down");
    } finally {
      hub.shutdown();
    }
  }

  @Test
  void aFullServerRefusesAtOnceWithItsOwnStatus() throws Exception {
    Server hub =
        Engines.named("virtual")
            .create(EngineOptions.DEFAULT)
            .start(
                new InetSocketAddress("127.0.0.1", 0),
                ChatServer.application(ChatSettings.DEFAULT),
                Limits.DEFAULT.withMaxConnections(1));
    try (LineClient occupant = LineClient.connect(hub.localAddress())) {
      greeting(occupant);
      Running client = Running.start(hub.localAddress().getPort(), null);
      assertThat(client.exitCode()).isEqualTo(ChatClient.EXIT_REFUSED);
      assertThat(client.told()).contains("refused by the server: the chat is full");
    } finally {
      hub.shutdown();
    }
  }

  @Test
  void aServerThatDiesEndsTheClientWithANonZeroStatus() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Running client = Running.start(server.getLocalPort(), "probe");
      try (Socket accepted = server.accept()) {
        // The client's first line: its connect() has returned. (A reset that comes while the
        // JDK still finishes the connect is reported by it as a failed connect: "unreachable".)
        new BufferedReader(new InputStreamReader(accepted.getInputStream(), StandardCharsets.UTF_8))
            .readLine();
        accepted.getOutputStream().write("= welcome\r\n".getBytes(StandardCharsets.UTF_8));
        accepted.setSoLinger(true, 0); // dies: a reset, no goodbye
      }
      assertThat(client.exitCode()).isEqualTo(ChatClient.EXIT_ENDED_BY_SERVER);
      assertThat(client.told()).contains("the server ended the session: ");
    }
  }

  @Test
  void leavingByEndOfInputExitsZero() throws Exception {
    Server hub = startHub();
    try {
      Running client = Running.start(hub.localAddress().getPort(), "leaver");
      Await.until("the client joined", () -> client.shown().contains("= joined #lobby"));
      client.keyboard().close(); // Ctrl-D
      assertThat(client.exitCode()).isEqualTo(ChatClient.EXIT_QUIT);
      assertThat(client.told()).isEmpty();
    } finally {
      hub.shutdown();
    }
  }

  @Test
  void unreachableServerIsAClearError() throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        new ChatClient(
                InputStream.nullInputStream(),
                System.out,
                new PrintStream(err, true, StandardCharsets.UTF_8))
            .run("127.0.0.1", port, null, null);
    assertThat(code).isEqualTo(ChatClient.EXIT_UNREACHABLE);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("cannot connect to 127.0.0.1:");
  }
}
