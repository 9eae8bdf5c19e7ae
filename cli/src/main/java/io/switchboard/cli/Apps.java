package io.switchboard.cli;

import io.switchboard.engine.Application;
import io.switchboard.services.LineService;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/** The applications {@code serve} can run, by name. */
final class Apps {
  private Apps() {}

  private static final Map<String, Supplier<Application<?>>> APPS = new LinkedHashMap<>();

  static {
    for (LineService service : LineService.values()) {
      APPS.put(service.serviceName(), service::application);
    }
  }

  static Application<?> named(String name) {
    Supplier<Application<?>> app = APPS.get(name);
    if (app == null) {
      throw new IllegalArgumentException("unknown app '" + name + "'; apps: " + names());
    }
    return app.get();
  }

  static String names() {
    return String.join(", ", APPS.keySet());
  }
}
