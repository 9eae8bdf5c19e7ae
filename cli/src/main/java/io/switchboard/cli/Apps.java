package io.switchboard.cli;

import io.switchboard.chat.ChatServer;
import io.switchboard.chat.ChatSettings;
import io.switchboard.engine.Application;
import io.switchboard.services.LineService;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/** The applications {@code serve} can run, by name. */
final class Apps {
  private Apps() {}

  private static final Map<String, Function<ChatSettings, Application<?>>> APPS =
      new LinkedHashMap<>();

  /** What {@code serve} runs when no {@code --app} is given. */
  static final String DEFAULT = "chat";

  static {
    APPS.put("chat", ChatServer::application);
    for (LineService service : LineService.values()) {
      APPS.put(service.serviceName(), chat -> service.application());
    }
  }

  /** The app called {@code name}; {@code chat} configures the chat hub if that is the one. */
  static Application<?> named(String name, ChatSettings chat) {
    Function<ChatSettings, Application<?>> app = APPS.get(name);
    if (app == null) {
      throw new IllegalArgumentException("unknown app '" + name + "'; apps: " + names());
    }
    return app.apply(chat);
  }

  static String names() {
    return String.join(", ", APPS.keySet());
  }
}
