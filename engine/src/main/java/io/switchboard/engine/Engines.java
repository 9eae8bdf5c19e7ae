package io.switchboard.engine;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

/** The models on the class path, found through {@link EngineProvider} service registrations. */
public final class Engines {
  private Engines() {}

  /** Every registered model, in a stable order (the order models are taught in, then by name). */
  public static List<EngineProvider> all() {
    return ServiceLoader.load(EngineProvider.class).stream()
        .map(ServiceLoader.Provider::get)
        .sorted(
            Comparator.comparingInt((EngineProvider p) -> teachingOrder(p.model()))
                .thenComparing(EngineProvider::model))
        .toList();
  }

  /** The model called {@code name}, or an exception that lists the ones there are. */
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

  private static final List<String> ORDER =
      List.of(
          "iterative", "threads", "pool", "virtual", "poll", "select", "reactor", "aio", "netty");

  private static int teachingOrder(String model) {
    int index = ORDER.indexOf(model);
    return index < 0 ? ORDER.size() : index;
  }
}
