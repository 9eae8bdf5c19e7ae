package io.switchboard.chat.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.chat.ChatHub;
import io.switchboard.chat.ChatLines;
import io.switchboard.chat.ChatSettings;
import io.switchboard.chat.line.ChatServer;
import io.switchboard.chat.web.RawWebSocket.Frame;
import io.switchboard.engine.Limits;
import io.switchboard.engine.Server;
import io.switchboard.testkit.Await;
import io.switchboard.testkit.LineClient;
import io.switchboard.testkit.ModelVariant;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The browser front over raw sockets, every case on every registered model and variant: the page
 * and the opening handshake (and each way it is refused), WebSocket framing (fragments with a ping
 * between them, unmasked frames, oversized messages, bad UTF-8, a binary message, a frame never
 * finished), ping and pong both ways, the closing handshake both ways, and the chat's rules on this
 * front (a line client in the same room, nothing raw crossing, the flood limit, a slow member
 * dropped, the shutdown's Close). The client is {@link RawWebSocket}, so it can break every rule a
 * browser would not.
 *
 * <p>Cases with two clients at once are skipped on models that serve one client at a time (the
 * iterative model): a second client waits in the backlog until the first leaves, which is that
 * model's documented behaviour. Its single-client cases run.
 */
class WebSuiteTest {
  private static final Limits LIMITS = Limits.DEFAULT.withShutdownDeadline(Duration.ofSeconds(2));

  static Stream<ModelVariant> models() {
    return ModelVariant.all();
  }

  /** A hub with a browser front and a line front, on one model. */
  private record Fronts(Server web, Server line) implements AutoCloseable {
    static Fronts start(
        ModelVariant model, WebSettings web, ChatSettings chat, Limits limits, int clients) {
      ChatHub hub = new ChatHub(chat);
      Server webServer = model.start(WebServer.application(hub, web), limits, clients);
      return new Fronts(webServer, model.start(ChatServer.application(hub), limits, clients));
    }

    static Fronts start(ModelVariant model, WebSettings web, int clients) {
      return start(model, web, ChatSettings.DEFAULT, LIMITS, clients);
    }

    static Fronts start(ModelVariant model, int clients) {
      return start(model, WebSettings.DEFAULT, clients);
    }

    InetSocketAddress address() {
      return web.localAddress();
    }

    /** A socket that has arrived: welcomed, named {@code name}, in #lobby. */
    RawWebSocket socket(String name) {
      return named(RawWebSocket.open(address()), name);
    }

    /** A line client called {@code name}, in #lobby. */
    LineClient line(String name) {
      return ChatLines.inLobby(line.localAddress(), name);
    }

    @Override
    public void close() {
      web.shutdown();
      line.shutdown();
    }
  }

  private static RawWebSocket named(RawWebSocket socket, String name) {
    socket.until("entered");
    socket.say("/nick " + name);
    assertThat(socket.until("you").path("name").asText()).isEqualTo(name);
    return socket;
  }

  private static void assumeConcurrent(ModelVariant model) {
    assumeTrue(
        model.concurrent(),
        model.model() + " serves one client at a time: a second client cannot be connected");
  }

  /** The next Close from the server, and then the end of the connection. */
  private static Frame expectFailure(RawWebSocket socket, int code) {
    Frame close = socket.untilClose();
    assertThat(close.closeCode()).as("close code, reason: %s", close.closeReason()).isEqualTo(code);
    assertThat(socket.closedByServer(Await.DEFAULT))
        .as("the server closes the connection")
        .isTrue();
    return close;
  }

  // ---- The page and the opening handshake ----------------------------------------------------

  @ParameterizedTest(name = "{0}")
  @MethodSource("models")
  void thePageIsServedThenTheSameConnectionSwitchesWithTheRfcsHandshake(ModelVariant model) {
    try (Fronts fronts = Fronts.start(model, 1);
        RawWebSocket client = RawWebSocket.connect(fronts.address(), 0)) {
      String host = "Host: 127.0.0.1:" + fronts.address().getPort() + "\r\n";
      String index = client.request("GET / HTTP/1.1\r\n" + host + "\r\n");
      assertThat(index)
          .startsWith("HTTP/1.1 200 ")
          .contains("Content-Type: text/html; charset=utf-8");
      assertThat(client.body(index)).contains("<title>switchboard chat</title>", "/chat.js");
      String script = client.request("GET /chat.js HTTP/1.1\r\n" + host + "\r\n");
      assertThat(script).startsWith("HTTP/1.1 200 ").contains("text/javascript");
      assertThat(client.body(script)).contains("textContent", "new WebSocket(");
      String missing = client.request("GET /calc HTTP/1.1\r\n" + host + "\r\n");
      assertThat(missing).as("the web server's calculator is not here").startsWith("HTTP/1.1 404 ");
      client.body(missing);

      // RFC 6455 §1.3's sample key, on the same kept-alive connection.
      String head =
          client.request(RawWebSocket.upgrade(fronts.address(), "dGhlIHNhbXBsZSBub25jZQ==", ""));
      assertThat(head)
          .startsWith("HTTP/1.1 101 Switching Protocols\r\n")
          .contains("\r\nUpgrade: websocket\r\n", "\r\nConnection: Upgrade\r\n")
          .contains("\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n")
          .doesNotContain("Sec-WebSocket-Extensions"); // permessage-deflate is not agreed
      assertThat(client.message().path("text").asText()).startsWith("welcome to switchboard chat");
      assertThat(client.message().path("name").asText()).startsWith("guest-");
      JsonNode entered = client.message();
      assertThat(entered.path("type").asText()).isEqualTo("entered");
      assertThat(entered.path("room").asText()).isEqualTo("lobby");
      assertThat(entered.path("count").asInt()).isEqualTo(1);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("models")
  void aRefusedHandshakeSaysWhyAndAnOriginMustBeAllowed(ModelVariant model) {
    WebSettings settings =
        WebSettings.DEFAULT.withAllowedOrigins(List.of("https://chat.example.org"));
    try (Fronts fronts = Fronts.start(model, settings, 1)) {
      InetSocketAddress address = fronts.address();
      String own = "http://127.0.0.1:" + address.getPort();
      assertThat(refusal(address, "13", RawWebSocket.key(), "Origin: https://evil.example\r\n"))
          .startsWith("HTTP/1.1 403 ");
      assertThat(refusal(address, "13", RawWebSocket.key(), "Origin: null\r\n"))
          .startsWith("HTTP/1.1 403 ");
      assertThat(refusal(address, "8", RawWebSocket.key(), ""))
          .startsWith("HTTP/1.1 426 ")
          .contains("\r\nSec-WebSocket-Version: 13\r\n");
      assertThat(refusal(address, "13", "c2hvcnQ=", "")).startsWith("HTTP/1.1 400 ");
      try (RawWebSocket plain = RawWebSocket.connect(address, 0)) {
        String head =
            plain.request(
                "GET /socket HTTP/1.1\r\nHost: 127.0.0.1:" + address.getPort() + "\r\n\r\n");
        assertThat(head).startsWith("HTTP/1.1 426 ").contains("\r\nUpgrade: websocket\r\n");
      }
      for (String origin : List.of(own, "https://CHAT.example.org:443")) {
        try (RawWebSocket allowed = RawWebSocket.connect(address, 0)) {
          String head =
              allowed.request(
                  RawWebSocket.upgrade(address, RawWebSocket.key(), "Origin: " + origin + "\r\n"));
          assertThat(head).as(origin).startsWith("HTTP/1.1 101 ");
        }
      }
    }
  }

  /** The head of the answer to an upgrade with {@code version}, {@code key} and {@code extra}. */
  private static String refusal(
      InetSocketAddress address, String version, String key, String extra) {
    try (RawWebSocket client = RawWebSocket.connect(address, 0)) {
      String request =
          RawWebSocket.upgrade(address, key, extra)
              .replace("Sec-WebSocket-Version: 13", "Sec-WebSocket-Version: " + version);
      String head = client.request(request);
      client.body(head);
      assertThat(client.closedByServer(Await.DEFAULT)).as("a refusal ends the connection").isTrue();
      return head;
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("models")
  void aPageConnectionThatAsksForNothingIsClosedButASocketIsNot(ModelVariant model) {
    WebSettings settings = WebSettings.DEFAULT.withPageIdleTimeout(Duration.ofMillis(200));
    try (Fronts fronts = Fronts.start(model, settings, 2)) {
      // A socket opened first (where a second client can be served at once): idle longer than the
      // page connection below by the time that one is closed, and still served after.
      RawWebSocket socket = model.concurrent() ? RawWebSocket.open(fronts.address()) : null;
      if (socket != null) {
        socket.until("entered");
      }
      try (RawWebSocket visitor = RawWebSocket.connect(fronts.address(), 0)) {
        String css =
            visitor.request(
                "GET /chat.css HTTP/1.1\r\nHost: 127.0.0.1:"
                    + fronts.address().getPort()
                    + "\r\n\r\n");
        assertThat(css).startsWith("HTTP/1.1 200 ").contains("text/css");
        visitor.body(css);
        assertThat(visitor.closedByServer(Await.DEFAULT)).isTrue();
      }
      if (socket != null) {
        try (socket) {
          socket.say("/nick still-here");
          assertThat(socket.until("you").path("name").asText()).isEqualTo("still-here");
        }
      }
    }
  }

  // ---- Framing ---------------------------------------------------------------------------------

  @ParameterizedTest(name = "{0}")
  @MethodSource("models")
  void fragmentsAreJoinedAroundAPingAndACharacterSplitBetweenThem(ModelVariant model) {
    try (Fronts fronts = Fronts.start(model, 1);
        RawWebSocket client = RawWebSocket.open(fronts.address())) {
      client.until("entered");
      byte[] message = WebFormat.line("/nick zoë", null, null).getBytes(StandardCharsets.UTF_8);
      int split = indexOf(message, (byte) 0xc3) + 1; // between the two bytes of ë
      client.send(false, WebSocket.TEXT, java.util.Arrays.copyOfRange(message, 0, 5), true);
      client.send(true, WebSocket.PING, "are you there".getBytes(StandardCharsets.US_ASCII), true);
      client.send(
          false, WebSocket.CONTINUATION, java.util.Arrays.copyOfRange(message, 5, split), true);
      client.send(false, WebSocket.CONTINUATION, new byte[0], true);
      client.send(
          true,
          WebSocket.CONTINUATION,
          java.util.Arrays.copyOfRange(message, split, message.length),
          true);
      Frame pong = client.read();
      assertThat(pong.opcode()).isEqualTo(WebSocket.PONG);
      assertThat(pong.text()).isEqualTo("are you there");
      assertThat(client.until("you").path("name").asText()).isEqualTo("zoë");
    }
  }

  private static int indexOf(byte[] bytes, byte wanted) {
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == wanted) {
        return i;
      }
    }
    throw new AssertionError("not found");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("models")
  void anUnmaskedFrameFailsTheConnectionWith1002(ModelVariant model) {
    try (Fronts fronts = Fronts.start(model, 1);
        RawWebSocket client = RawWebSocket.open(fronts.address())) {
      client.until("entered");
      client.send(
          true,
          WebSocket.TEXT,
          WebFormat.line("hi", null, null).getBytes(StandardCharsets.UTF_8),
          false);
      assertThat(expectFailure(client, WebSocket.PROTOCOL_ERROR).closeReason()).contains("masked");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("models")
  void aMessagePastTheLimitFailsWith1009InOneFrameOrInFragments(ModelVariant model) {
    WebSettings settings = WebSettings.DEFAULT.withMaxMessageBytes(1000);
    try (Fronts fronts = Fronts.start(model, settings, 1)) {
      try (RawWebSocket client = RawWebSocket.open(fronts.address())) {
        client.until("entered");
        // Only the header is sent: the size is refused before the payload is read.
        client.write(new byte[] {(byte) 0x81, (byte) (0x80 | 126), 0x03, (byte) 0xe9, 1, 2, 3, 4});
        assertThat(expectFailure(client, WebSocket.TOO_BIG).closeReason()).contains("1000 bytes");
      }
      try (RawWebSocket client = RawWebSocket.open(fronts.address())) {
        client.until("entered");
        client.send(
            false, WebSocket.TEXT, "x".repeat(600).getBytes(StandardCharsets.US_ASCII), true);
        client.send(
            true,
            WebSocket.CONTINUATION,
            "x".repeat(401).getBytes(StandardCharsets.US_ASCII),
            true);
        expectFailure(client, WebSocket.TOO_BIG);
      }
      try (RawWebSocket client = RawWebSocket.open(fronts.address())) {
        client.until("entered");
        client.say("/nick " + "n".repeat(24)); // within the limit: served
        assertThat(client.until("you").path("name").asText()).hasSize(24);
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("models")
  void textThatIsNotUtf8FailsWith1007AlsoWhenTheBadByteIsInALaterFragment(ModelVariant model) {
    try (Fronts fronts = Fronts.start(model, 1)) {
      try (RawWebSocket client = RawWebSocket.open(fronts.address())) {
        client.until("entered");
        client.send(true, WebSocket.TEXT, new byte[] {'{', (byte) 0xc0, (byte) 0xaf, '}'}, true);
        expectFailure(client, WebSocket.INVALID_DATA);
      }
      try (RawWebSocket client = RawWebSocket.open(fronts.address())) {
        client.until("entered");
        // é begins in the first fragment; its second byte, in the next, is not a continuation.
        client.send(false, WebSocket.TEXT, new byte[] {'"', (byte) 0xc3}, true);
        client.send(true, WebSocket.CONTINUATION, new byte[] {'(', '"'}, true);
        expectFailure(client, WebSocket.INVALID_DATA);
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("models")
  void aBinaryMessageIsRefusedWith1003(ModelVariant model) {
    try (Fronts fronts = Fronts.start(model, 1);
        RawWebSocket client = RawWebSocket.open(fronts.address())) {
      client.until("entered");
      client.send(true, WebSocket.BINARY, new byte[] {1, 2, 3}, true);
      expectFailure(client, WebSocket.UNSUPPORTED_DATA);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("models")
  void aFrameBegunAndNeverFinishedIsClosedAtTheFrameTimeout(ModelVariant model) {
    Limits limits = LIMITS.withFrameTimeout(Duration.ofMillis(200));
    try (Fronts fronts = Fronts.start(model, WebSettings.DEFAULT, ChatSettings.DEFAULT, limits, 1);
        RawWebSocket client = RawWebSocket.open(fronts.address())) {
      client.until("entered");
      client.write(new byte[] {(byte) 0x81, (byte) 0x85, 1}); // two bytes of its mask key missing
      assertThat(expectFailure(client, WebSocket.POLICY_VIOLATION).closeReason())
          .isEqualTo("a message not complete within 200 ms");
    }
  }

  // ---- Ping, pong and the closing handshake ----------------------------------------------------

  @ParameterizedTest(name = "{0}")
  @MethodSource("models")
  void aQuietClientIsPingedStaysWhileItAnswersAndIsClosedWhenItStops(ModelVariant model) {
    WebSettings settings =
        WebSettings.DEFAULT.withPing(Duration.ofMillis(100), Duration.ofMillis(250));
    try (Fronts fronts = Fronts.start(model, settings, 1);
        RawWebSocket client = RawWebSocket.open(fronts.address())) {
      client.until("entered");
      for (int ping = 0; ping < 2; ping++) {
        Frame frame = client.read();
        assertThat(frame.opcode()).as("ping %d", ping).isEqualTo(WebSocket.PING);
        client.send(true, WebSocket.PONG, frame.payload(), true);
      }
      // It answers no more: the next ping goes unanswered and the server gives up on it.
      assertThat(client.read().opcode()).isEqualTo(WebSocket.PING);
      assertThat(expectFailure(client, WebSocket.POLICY_VIOLATION).closeReason())
          .isEqualTo("no answer to a ping within 250 ms");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("models")
  void theClosingHandshakeRunsBothWaysAndAnUnansweredCloseEndsAnyway(ModelVariant model) {
    WebSettings settings = WebSettings.DEFAULT.withCloseTimeout(Duration.ofMillis(200));
    try (Fronts fronts = Fronts.start(model, settings, 1)) {
      try (RawWebSocket client = RawWebSocket.open(fronts.address())) {
        client.until("entered");
        client.close(WebSocket.GOING_AWAY, "tab closed");
        Frame answer = client.untilClose();
        assertThat(answer.closeCode())
            .as("the client's code, echoed")
            .isEqualTo(WebSocket.GOING_AWAY);
        assertThat(client.closedByServer(Await.DEFAULT)).isTrue();
      }
      try (RawWebSocket client = RawWebSocket.open(fronts.address())) {
        client.until("entered");
        client.say("/quit off to lunch");
        Frame close = client.untilClose();
        assertThat(close.closeCode()).isEqualTo(WebSocket.NORMAL);
        assertThat(close.closeReason()).isEqualTo("bye");
        client.close(WebSocket.NORMAL, "");
        assertThat(client.closedByServer(Await.DEFAULT)).isTrue();
      }
      try (RawWebSocket client = RawWebSocket.open(fronts.address())) {
        client.until("entered");
        client.say("/quit");
        assertThat(client.untilClose().closeCode()).isEqualTo(WebSocket.NORMAL);
        // No answer to the server's Close: the connection ends at the close timeout anyway.
        assertThat(client.closedByServer(Await.DEFAULT)).isTrue();
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("models")
  void aServerThatStopsSaysGoingAway(ModelVariant model) {
    try (Fronts fronts = Fronts.start(model, 1);
        RawWebSocket client = RawWebSocket.open(fronts.address())) {
      client.until("entered");
      fronts.web().shutdown();
      Frame close = client.untilClose();
      assertThat(close.closeCode()).isEqualTo(WebSocket.GOING_AWAY);
      assertThat(close.closeReason()).isEqualTo("server shutting down");
    }
  }

  // ---- The chat's rules on this front ----------------------------------------------------------

  @ParameterizedTest(name = "{0}")
  @MethodSource("models")
  void aBrowserAndALineClientShareARoomInOneOrderAndNothingRawCrosses(ModelVariant model) {
    assumeConcurrent(model);
    try (Fronts fronts = Fronts.start(model, 3);
        LineClient liner = fronts.line("liner");
        RawWebSocket web = fronts.socket("webby")) {
      liner.until(line -> line.endsWith(" is now webby")); // the guest joined, then renamed
      // A terminal escape, a bell, a bare CR and some HTML from the line client...
      liner.send("\u001b]0;pwned\u0007hello <b>bold</b>\r\u009b2J");
      JsonNode said = web.until("said");
      assertThat(said.path("from").asText()).isEqualTo("liner");
      assertThat(said.path("room").asText()).isEqualTo("lobby");
      // ...reach the browser as plain text without a control character (the page shows text).
      assertThat(said.path("text").asText()).isEqualTo("]0;pwnedhello <b>bold</b>2J");
      assertThat(said.path("time").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");

      web.say("hi liner \u0007from the web");
      assertThat(liner.readLine()).isEqualTo("#lobby <webby> hi liner from the web");
      // The browser hears its own message too, in its place in the room's order.
      assertThat(web.until("said").path("text").asText()).isEqualTo("hi liner from the web");
      web.say("/me waves");
      assertThat(liner.readLine()).isEqualTo("#lobby * webby waves");
      assertThat(web.until("said").path("style").asText()).isEqualTo("action");

      // Private messages both ways; the sender's copy is its confirmation.
      web.sendText(WebFormat.line("psst", null, "liner"));
      assertThat(liner.readLine()).isEqualTo("[webby -> liner] psst");
      JsonNode mine = web.until("whispered");
      assertThat(mine.path("to").asText()).isEqualTo("liner");
      liner.send("/msg webby back at you");
      JsonNode theirs = web.until("whispered");
      assertThat(theirs.path("from").asText()).isEqualTo("liner");
      assertThat(theirs.path("text").asText()).isEqualTo("back at you");

      // A line typed in another room's conversation goes there; commands default to it.
      web.say("/join dev");
      assertThat(web.until("entered").path("room").asText()).isEqualTo("dev");
      liner.send("/join dev");
      web.until(
          m -> m.path("type").asText().equals("joined") && m.path("name").asText().equals("liner"));
      web.sayIn("lobby", "back in the lobby"); // though it talks in #dev now
      assertThat(liner.expectPrefix("#lobby <webby>"))
          .isEqualTo("#lobby <webby> back in the lobby");
      web.sayIn("dev", "/who");
      JsonNode members = web.until("members");
      assertThat(members.path("room").asText()).isEqualTo("dev");
      assertThat(members.findValuesAsText("name")).containsExactly("webby", "liner");
      web.sayIn("dev", "/leave");
      JsonNode parted = web.until("parted");
      assertThat(parted.path("room").asText()).isEqualTo("dev");
      assertThat(parted.path("current").asText()).isEqualTo("lobby");
      assertThat(liner.expectPrefix("#dev -- webby")).isEqualTo("#dev -- webby left");

      // What the page sends that is not the protocol, and an unknown command: errors, no harm.
      web.sendText("not json");
      assertThat(web.until("error").path("code").asText()).isEqualTo("bad-message");
      web.sendText("{\"line\": 42}");
      assertThat(web.until("error").path("code").asText()).isEqualTo("bad-message");
      web.say("/frobnicate");
      assertThat(web.until("error").path("code").asText()).isEqualTo("unknown-command");
      web.say("x".repeat(2001));
      assertThat(web.until("error").path("code").asText()).isEqualTo("line-too-long");
      web.say("still here");
      assertThat(liner.expectPrefix("#lobby <webby> still")).isEqualTo("#lobby <webby> still here");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("models")
  void theHubsFloodLimitHoldsOnTheWebFrontToo(ModelVariant model) {
    ChatSettings chat = ChatSettings.DEFAULT.withRateLimit(0.001, 3);
    try (Fronts fronts = Fronts.start(model, WebSettings.DEFAULT, chat, LIMITS, 1);
        RawWebSocket client = RawWebSocket.open(fronts.address())) {
      client.until("entered");
      for (int i = 0; i < 7; i++) {
        client.say("/nick n" + i);
      }
      // Three lines are let through (the burst), then one notice, and nothing more: the pong that
      // answers a ping sent after them is the next frame.
      client.send(true, WebSocket.PING, new byte[] {7}, true);
      for (int i = 0; i < 3; i++) {
        assertThat(client.message().path("name").asText()).isEqualTo("n" + i);
      }
      JsonNode error = client.message();
      assertThat(error.path("code").asText()).isEqualTo("flood");
      assertThat(error.path("text").asText()).startsWith("too many lines");
      assertThat(client.read().opcode()).isEqualTo(WebSocket.PONG);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("models")
  void aSlowBrowserIsDroppedItsPlaceFreeWhileTheOthersKeepReceiving(ModelVariant model) {
    assumeConcurrent(model);
    ChatSettings chat =
        ChatSettings.DEFAULT.withSlowConsumerBytes(256 * 1024).withRateLimit(1_000_000, 1_000_000);
    try (Fronts fronts = Fronts.start(model, WebSettings.DEFAULT, chat, LIMITS, 4);
        LineClient fast = fronts.line("fast");
        RawWebSocket slow = named(RawWebSocket.open(fronts.address(), 4096), "slowtab");
        LineClient sender = fronts.line("sender")) {
      fast.until(line -> line.endsWith(" is now slowtab")); // and the tab reads no more
      int said = ChatLines.floodUntilDropped(sender::write, fast, "slowtab");
      assertThat(said).as("lines until the slow tab was dropped").isPositive();
      // Once it reads: its backlog, then the reason, then a Close 1008.
      JsonNode error = slow.until("error");
      assertThat(error.path("code").asText()).isEqualTo("too-slow");
      assertThat(error.path("text").asText()).startsWith("too slow: more than 262144 bytes");
      assertThat(slow.untilClose().closeCode()).isEqualTo(WebSocket.POLICY_VIOLATION);
    }
  }
}
