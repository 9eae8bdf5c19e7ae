package io.switchboard.engine;

import java.util.List;

/**
 * Registers one model with {@link Engines} through {@link java.util.ServiceLoader}: a module that
 * adds a model lists its provider in {@code META-INF/services/io.switchboard.engine.EngineProvider}
 * and is then served by the CLI and tested by the conformance suite with no other change.
 */
public interface EngineProvider {

  /** The name used on the command line and in reports. */
  String model();

  /** One line for {@code --help}: how this model serves many clients. */
  String summary();

  Engine create(EngineOptions options);

  /** The option sets the conformance suite runs, e.g. one per selector provider. */
  default List<EngineOptions> variants() {
    return List.of(EngineOptions.DEFAULT);
  }

  /** False for models that serve one client at a time (the suite skips concurrency cases). */
  default boolean concurrent() {
    return true;
  }
}
