package io.switchboard.cli;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.switchboard.chat.ChatHub;
import io.switchboard.chat.ChatSettings;
import io.switchboard.chat.line.ChatServer;
import io.switchboard.engine.Application;
import picocli.CommandLine.Option;

/**
 * {@code serve}'s options for the chat hub ({@code --app chat}), as a picocli mixin: the hub's
 * policy, with {@link ChatSettings#DEFAULT} as the defaults. The bench's fan-out raises the rate
 * limit, since its few senders each send far faster than a person.
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

  ChatSettings settings() {
    return ChatSettings.DEFAULT.withRateLimit(rateLimit, burst).withHistorySize(history);
  }

  /** The hub {@link #application()} made, for its metrics. */
  private ChatHub hub;

  /** The chat hub over the line protocol, with these settings. */
  Application<?> application() {
    hub = new ChatHub(settings());
    return ChatServer.application(hub);
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
  }
}
