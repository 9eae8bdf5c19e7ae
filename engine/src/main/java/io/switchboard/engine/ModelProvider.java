package io.switchboard.engine;

import java.util.Objects;
import java.util.function.Function;

/**
 * An {@link EngineProvider} written as one constructor call: the name, the one-line summary and how
 * to make the engine. {@link java.util.ServiceLoader} needs a public no-argument class per model,
 * so each model's {@code Provider} extends this and passes its three facts up.
 */
public abstract class ModelProvider implements EngineProvider {
  private final String model;
  private final String summary;
  private final Function<EngineOptions, Engine> factory;

  protected ModelProvider(String model, String summary, Function<EngineOptions, Engine> factory) {
    this.model = Objects.requireNonNull(model, "model");
    this.summary = Objects.requireNonNull(summary, "summary");
    this.factory = Objects.requireNonNull(factory, "factory");
  }

  @Override
  public final String model() {
    return model;
  }

  @Override
  public final String summary() {
    return summary;
  }

  @Override
  public final Engine create(EngineOptions options) {
    return factory.apply(options);
  }
}
