package io.switchboard.engine.spi;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

/**
 * The models on the class path, found through {@link EngineProvider} service registrations.
 *
 * <p>Thread contract: stateless; any thread.
 */
public final class Engines {
  private Engines() {}

  /**
   * Every registered model that can run here, in teaching order (see {@link
   * EngineProvider#teachingOrder()}); one that cannot ({@link EngineProvider#unavailable()}) is
   * left out.
   */
  public static List<EngineProvider> all() {
    return registered().stream().filter(p -> p.unavailable() == null).toList();
  }

  /**
   * The model called {@code name} (any case), or an exception that lists the ones there are. A
   * model that cannot run here is found too; creating its engine says why.
   */
  public static EngineProvider named(String name) {
    String wanted = name.toLowerCase(Locale.ROOT);
    return registered().stream()
        .filter(p -> p.model().equals(wanted))
        .findFirst()
        .orElseThrow(
            () -> new IllegalArgumentException("unknown model '" + name + "'; models: " + names()));
  }

  private static List<EngineProvider> registered() {
    return ServiceLoader.load(EngineProvider.class).stream()
        .map(ServiceLoader.Provider::get)
        .sorted(
            Comparator.comparingInt(EngineProvider::teachingOrder)
                .thenComparing(EngineProvider::model))
        .toList();
  }

  public static String names() {
    return all().stream().map(EngineProvider::model).collect(Collectors.joining(", "));
  }
}
