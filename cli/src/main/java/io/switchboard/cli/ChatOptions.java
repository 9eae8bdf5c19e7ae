package io.switchboard.cli;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.switchboard.chat.ChatHub;
import io.switchboard.chat.ChatSettings;
import io.switchboard.chat.irc.IrcServer;
import io.switchboard.chat.irc.IrcSettings;
import io.switchboard.chat.line.ChatServer;
import io.switchboard.chat.web.WebServer;
import io.switchboard.chat.web.WebSettings;
import io.switchboard.cluster.ClusterSettings;
import io.switchboard.cluster.RedisBus;
import io.switchboard.engine.Application;
import io.switchboard.files.UsersFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * {@code serve}'s options for the chat hub ({@code --app chat}), as a picocli mixin: the hub's
 * policy, with {@link ChatSettings#DEFAULT} as the defaults, and its other fronts (IRC, the browser
 * page). The bench's fan-out raises the rate limit, since its few senders each send far faster than
 * a person. The flood limit is the hub's, so it holds on every front.
 *
 * <p>Thread contract: filled in by picocli on the main thread, then only read.
 */
final class ChatOptions {

  @Option(
      names = "--chat-rate-limit",
      paramLabel = "LINES_PER_S",
      description =
          "chat: lines per second one connection may send; more are dropped "
              + "(default: ${DEFAULT-VALUE}).")
  double rateLimit = ChatSettings.DEFAULT.linesPerSecond();

  @Option(
      names = "--chat-burst",
      paramLabel = "LINES",
      description =
          "chat: lines a connection may send at once above the rate "
              + "(default: ${DEFAULT-VALUE}).")
  int burst = ChatSettings.DEFAULT.burstLines();

  @Option(
      names = "--chat-history",
      paramLabel = "MESSAGES",
      description = "chat: messages each room keeps for /history (default: ${DEFAULT-VALUE}).")
  int history = ChatSettings.DEFAULT.historySize();

  @Option(
      names = "--chat-rooms-per-member",
      paramLabel = "ROOMS",
      description =
          "chat: rooms one member may be in at once, so one client cannot take every room "
              + "(default: ${DEFAULT-VALUE}).")
  int roomsPerMember = ChatSettings.DEFAULT.maxRoomsPerMember();

  @Option(
      names = "--chat-presence-limit",
      paramLabel = "MEMBERS",
      description =
          "chat: a room with more members than this announces no joins, leaves or renames "
              + "(default: ${DEFAULT-VALUE}).")
  int presenceLimit = ChatSettings.DEFAULT.presenceLimit();

  @Option(
      names = "--irc-port",
      paramLabel = "PORT",
      description =
          "chat: also serve the hub to IRC clients (irssi, weechat, ii) on this port, in the same"
              + " rooms: #room there is room here (default: no IRC; 6667 is IRC's usual port; 0"
              + " picks a free one).")
  Integer ircPort;

  @Option(
      names = "--irc-name",
      paramLabel = "NAME",
      description = "chat: the IRC server's name in replies and WHOIS (default: this host's name).")
  String ircName;

  @Option(
      names = "--irc-opers",
      paramLabel = "FILE",
      description =
          "chat: who may become an IRC operator with OPER NAME PASSWORD (kick and set modes in"
              + " every channel): a users file made with `switchboard files adduser NAME --users"
              + " FILE` (default: nobody).")
  Path ircOperators;

  @Option(
      names = "--web-port",
      paramLabel = "PORT",
      description =
          "chat: also serve the chat page to browsers on this port (http://HOST:PORT/, a page and"
              + " its WebSocket), in the same rooms (default: no page; 0 picks a free one).")
  Integer webPort;

  @Option(
      names = "--web-allow-origin",
      paramLabel = "ORIGIN",
      split = ",",
      description =
          "chat: pages from ORIGIN (scheme://host[:port], or * for any) may open the chat's"
              + " socket too; repeat or separate with commas (default: only the page this server"
              + " serves).")
  List<String> webOrigins = new ArrayList<>();

  @Option(
      names = "--bus",
      paramLabel = "redis://HOST:PORT[/DB]",
      description =
          "chat: join the hub shared through this Redis: every server started with the same --bus"
              + " (other processes, other machines, any model) is one hub, with the same rooms,"
              + " names and /history; lets --processes serve chat. Redis must be reachable at"
              + " start (default: a hub in this process alone, no Redis).")
  String bus;

  /** True when the hub is shared through {@code --bus} (so it may run in several processes). */
  boolean shared() {
    return bus != null;
  }

  /** The rules of the chat options, each said with its flag. */
  void validate() {
    OptionChecks.positive("--chat-rate-limit", rateLimit);
    OptionChecks.atLeast("--chat-burst", burst, 1);
    OptionChecks.atLeast("--chat-history", history, 0);
    OptionChecks.atLeast("--chat-rooms-per-member", roomsPerMember, 1);
    OptionChecks.atLeast("--chat-presence-limit", presenceLimit, 0);
    if (ircPort != null) {
      OptionChecks.port("--irc-port", ircPort);
    }
    if (bus != null) {
      ClusterSettings.of(bus); // as written; whether Redis answers, each node finds as it starts
    }
    if (webPort != null) {
      OptionChecks.port("--web-port", webPort);
    }
  }

  /** The hub's settings, lines up to {@code maxLine} bytes ({@code serve --max-line}). */
  ChatSettings settings(int maxLine) {
    return ChatSettings.DEFAULT
        .withMaxLineBytes(maxLine)
        .withRateLimit(rateLimit, burst)
        .withHistorySize(history)
        .withMaxRooms(ChatSettings.DEFAULT.maxRooms(), roomsPerMember)
        .withPresenceLimit(presenceLimit);
  }

  /** The hub {@link #application(int)} made, for its metrics. */
  private ChatHub hub;

  /** The bus to the other nodes with {@code --bus}, or {@code null}. */
  private RedisBus redisBus;

  /**
   * The chat hub over the line protocol, with these settings and lines up to {@code maxLine}; with
   * {@code --bus}, a node of the hub shared through that Redis.
   *
   * @throws IllegalArgumentException if {@code --bus} is malformed or Redis cannot be reached
   */
  Application<?> application(int maxLine) {
    ChatSettings settings = settings(maxLine);
    if (bus == null) {
      hub = new ChatHub(settings);
    } else {
      redisBus = RedisBus.connect(ClusterSettings.of(bus), settings);
      hub = new ChatHub(settings, redisBus);
    }
    return ChatServer.application(hub);
  }

  /**
   * Leaves the shared hub, once the servers have stopped (their members' departures are sent as
   * their connections close): this node's names are freed at once rather than when its heartbeat
   * runs out. Nothing without {@code --bus}.
   */
  void leaveBus() {
    if (redisBus != null) {
      redisBus.close();
    }
  }

  /**
   * The hub's other fronts, on ports of their own and sharing the hub {@link #application(int)}
   * made: IRC with {@code --irc-port}, the browser page with {@code --web-port}.
   *
   * @throws IllegalArgumentException if the operators file cannot be read, or an IRC or web option
   *     is invalid
   */
  List<Endpoint> endpoints() {
    List<Endpoint> endpoints = new ArrayList<>();
    ircEndpoint(endpoints);
    webEndpoint(endpoints);
    return endpoints;
  }

  private void ircEndpoint(List<Endpoint> endpoints) {
    if (ircPort == null) {
      if (ircName != null || ircOperators != null) {
        throw new IllegalArgumentException("--irc-name and --irc-opers need --irc-port");
      }
      return;
    }
    IrcSettings irc = IrcSettings.named(ircName == null ? IrcSettings.hostName() : ircName);
    if (ircOperators != null) {
      try {
        irc = irc.withOperators(UsersFile.load(ircOperators));
      } catch (IOException e) {
        throw new IllegalArgumentException("--irc-opers: " + e.getMessage(), e);
      }
    }
    endpoints.add(
        new Endpoint("irc", IrcServer.application(hub, irc), ircPort, ChatOptions::ircHints));
  }

  private void webEndpoint(List<Endpoint> endpoints) {
    if (webPort == null) {
      if (!webOrigins.isEmpty()) {
        throw new IllegalArgumentException("--web-allow-origin needs --web-port");
      }
      return;
    }
    WebSettings web;
    try {
      web =
          WebSettings.DEFAULT
              .withAllowedOrigins(webOrigins)
              .withRoomForLines(hub.settings().maxLineBytes());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--web-allow-origin: " + e.getMessage(), e);
    }
    endpoints.add(
        new Endpoint(
            "web",
            WebServer.application(hub, web),
            webPort,
            hostPort -> List.of("a browser at http://" + hostPort + "/")));
  }

  /** How to reach the IRC front at {@code HOST:PORT} with the clients people have. */
  private static List<String> ircHints(String hostPort) {
    int colon = hostPort.lastIndexOf(':');
    String host = hostPort.substring(0, colon);
    String port = hostPort.substring(colon + 1);
    return List.of(
        "irssi -c " + host + " -p " + port + " -n NICK",
        "weechat, then /server add chat " + host + "/" + port + " -notls and /connect chat",
        "ii -s " + host + " -p " + port + " -n NICK");
  }

  /** The hub's figures: rooms and members now, slow members dropped, flood limits hit. */
  void bindTo(MeterRegistry registry) {
    ChatHub chat = hub;
    Gauge.builder("switchboard.chat.rooms", chat, ChatHub::roomCount)
        .description("rooms the hub keeps")
        .register(registry);
    Gauge.builder("switchboard.chat.members", chat, ChatHub::memberCount)
        .description("members connected")
        .register(registry);
    FunctionCounter.builder("switchboard.chat.slow.dropped", chat, ChatHub::slowDrops)
        .description("members dropped for not reading fast enough")
        .register(registry);
    FunctionCounter.builder("switchboard.chat.flood.limited", chat, ChatHub::floodNotices)
        .description("times a member passed the flood limit")
        .register(registry);
    RedisBus shared = redisBus;
    if (shared != null) {
      FunctionCounter.builder("switchboard.chat.bus.dropped", shared, RedisBus::droppedDeliveries)
          .description("bus deliveries this node could not hold (each room repaired from its log)")
          .register(registry);
      FunctionCounter.builder("switchboard.chat.bus.repairs", shared, RedisBus::repairs)
          .description("gaps in a room's order repaired from the room's log")
          .register(registry);
      FunctionCounter.builder("switchboard.chat.bus.lost", shared, RedisBus::lostNotices)
          .description("times members were told a room's updates were lost")
          .register(registry);
    }
  }
}
