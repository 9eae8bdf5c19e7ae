package io.switchboard.bench;

import io.switchboard.chat.ChatSettings;
import io.switchboard.chat.line.ChatServer;
import io.switchboard.engine.Application;
import io.switchboard.engine.Engine;
import io.switchboard.engine.Limits;
import io.switchboard.engine.Server;
import io.switchboard.engine.spi.EngineOptions;
import io.switchboard.engine.spi.Engines;
import io.switchboard.engine.spi.TerminationHook;
import io.switchboard.services.LineService;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * Stands in for {@code io.switchboard.cli.Main serve} in the bench's own tests (the CLI module
 * comes after bench): understands {@code serve --app echo|chat --model M [--chat-rate-limit R]
 * [--chat-burst B] --port 0 --max-connections N --idle-timeout 0}, prints the same "listening on"
 * line, and shuts down gracefully on SIGTERM. Its chat is the real chat hub.
 */
public final class BenchTestServer {
  private BenchTestServer() {}

  public static void main(String[] args) throws Exception {
    String app = "echo";
    String model = "virtual";
    int maxConnections = 1_000;
    ChatSettings chat = ChatSettings.DEFAULT;
    for (int i = 1; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--app" -> app = args[i + 1];
        case "--model" -> model = args[i + 1];
        case "--max-connections" -> maxConnections = Integer.parseInt(args[i + 1]);
        case "--chat-rate-limit" ->
            chat = chat.withRateLimit(Double.parseDouble(args[i + 1]), chat.burstLines());
        case "--chat-burst" ->
            chat = chat.withRateLimit(chat.linesPerSecond(), Integer.parseInt(args[i + 1]));
        default -> {} // --port 0 and --idle-timeout 0 are what this server does anyway
      }
    }
    Limits limits =
        Limits.DEFAULT.withMaxConnections(maxConnections).withIdleTimeout(Duration.ZERO);
    Engine engine = Engines.named(model).create(EngineOptions.DEFAULT);
    Server server =
        app.equals("chat")
            ? start(engine, ChatServer.application(chat), limits)
            : start(engine, LineService.ECHO.application(), limits);
    InetSocketAddress address = server.localAddress();
    System.out.println(
        "test server "
            + app
            + " on "
            + model
            + ": listening on "
            + address.getAddress().getHostAddress()
            + ":"
            + address.getPort());
    System.out.flush();
    TerminationHook.serveUntilTerminated(server);
  }

  private static <F> Server start(Engine engine, Application<F> app, Limits limits)
      throws IOException {
    return engine.start(new InetSocketAddress("127.0.0.1", 0), app, limits);
  }
}
