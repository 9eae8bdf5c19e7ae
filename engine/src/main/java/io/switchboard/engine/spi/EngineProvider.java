package io.switchboard.engine.spi;

import io.switchboard.engine.Engine;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * Registers one model with {@link Engines}: its name, a one-line summary, its place in the order
 * models are taught in, and how to make its engine. A module that adds a model writes one {@code
 * Provider} class that extends this and passes those facts up (ServiceLoader needs a public
 * no-argument class per model), and lists it in {@code
 * META-INF/services/io.switchboard.engine.spi.EngineProvider}. The command line, the conformance
 * suite and the bench then find it by name, with no list of models anywhere else.
 *
 * <p>Thread contract: immutable; any thread.
 */
public abstract class EngineProvider {
  private final String model;
  private final int teachingOrder;
  private final String summary;
  private final Function<EngineOptions, Engine> factory;

  /**
   * @param model the name used on the command line and in reports ("select")
   * @param teachingOrder where the model stands when models are listed: the order a course meets
   *     them in, from one client at a time (10) to Netty (90); ties are broken by name
   * @param summary one line for {@code --help}: how this model serves many clients
   * @param factory makes a fresh engine from the command line's options
   */
  protected EngineProvider(
      String model, int teachingOrder, String summary, Function<EngineOptions, Engine> factory) {
    this.model = Objects.requireNonNull(model, "model");
    this.teachingOrder = teachingOrder;
    this.summary = Objects.requireNonNull(summary, "summary");
    this.factory = Objects.requireNonNull(factory, "factory");
  }

  public final String model() {
    return model;
  }

  public final int teachingOrder() {
    return teachingOrder;
  }

  public final String summary() {
    return summary;
  }

  /**
   * A new engine with {@code options}; each server gets its own.
   *
   * @throws IllegalStateException if the model cannot run here (see {@link #unavailable()})
   */
  public final Engine create(EngineOptions options) {
    String why = unavailable();
    if (why != null) {
      throw new IllegalStateException("the " + model + " model cannot run here: " + why);
    }
    return factory.apply(options);
  }

  /**
   * Why this model cannot run in this JVM or on this system (say, it needs a newer Java), or null
   * if it can. {@link Engines#all()} leaves such a model out, so suites and the bench run the
   * others; asking for it by name says why.
   */
  public String unavailable() {
    return null;
  }

  /** The option sets the conformance suites run, e.g. one per selector provider. */
  public List<EngineOptions> variants() {
    return List.of(EngineOptions.DEFAULT);
  }

  /**
   * The command-line options this model reads ({@link EngineOptions#THREADS}, {@link
   * EngineOptions#SELECTOR}, {@link EngineOptions#TRANSPORT}); {@code serve} refuses the others for
   * it, so an option that would be silently ignored is never taken. None by default.
   */
  public Set<String> options() {
    return Set.of();
  }

  /** False for models that serve one client at a time (the suites skip concurrency cases). */
  public boolean concurrent() {
    return true;
  }

  /**
   * {@code options} adjusted so that {@code clients} connections can be served at the same time,
   * for a test or a bench that keeps that many open and expects all of them answered. Most models
   * serve any number as they are; a bounded pool serves only as many as it has threads.
   */
  public EngineOptions forConcurrentClients(EngineOptions options, int clients) {
    return options;
  }

  @Override
  public String toString() {
    return model;
  }
}
