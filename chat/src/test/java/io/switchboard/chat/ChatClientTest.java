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
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
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

  @Test
  void serverShutdownEndsTheClient() throws Exception {
    Server hub = startHub();
    try (PipedOutputStream keyboard = new PipedOutputStream();
        PipedInputStream in = new PipedInputStream(keyboard)) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      CompletableFuture<Integer> run =
          CompletableFuture.supplyAsync(
              () ->
                  new ChatClient(in, new PrintStream(out, true, StandardCharsets.UTF_8), System.err)
                      .run("127.0.0.1", hub.localAddress().getPort(), "waiter", null));
      Await.until("the client connected", () -> hub.connectionCount() == 1 || run.isDone());
      assertThat(run.isDone())
          .as("the client ended before the hub closed: %s", run.isDone() ? run.join() : null)
          .isFalse();
      hub.shutdown();
      assertThat(run.get(20, TimeUnit.SECONDS)).isZero();
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
    assertThat(code).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("cannot connect to 127.0.0.1:");
  }
}
