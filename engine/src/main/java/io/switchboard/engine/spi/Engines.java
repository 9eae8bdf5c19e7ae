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

  /** Every registered model, in teaching order (see {@link EngineProvider#teachingOrder()}). */
  public static List<EngineProvider> all() {
    return ServiceLoader.load(EngineProvider.class).stream()
        .map(ServiceLoader.Provider::get)
        .sorted(
            Comparator.comparingInt(EngineProvider::teachingOrder)
                .thenComparing(EngineProvider::model))
        .toList();
  }

  /** The model called {@code name} (any case), or an exception that lists the ones there are. */
  public static EngineProvider named(String name) {
    String wanted = name.toLowerCase(Locale.ROOT);
    return all().stream()
        .filter(p -> p.model().equals(wanted))
        .findFirst()
        .orElseThrow(
            () -> new IllegalArgumentException("unknown model '" + name + "'; models: " + names()));
  }

  public static String names() {
    return all().stream().map(EngineProvider::model).collect(Collectors.joining(", "));
  }
}
