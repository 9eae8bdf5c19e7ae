package io.switchboard.testkit;

import io.switchboard.engine.Application;
import io.switchboard.engine.Limits;
import io.switchboard.engine.Server;
import io.switchboard.engine.spi.EngineOptions;
import io.switchboard.engine.spi.EngineProvider;
import io.switchboard.engine.spi.Engines;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.stream.Stream;

/**
 * One model with one set of options, as a parameter of a test that runs against every model
 * (Netty's testsuite pattern): a model added to the class path is tested with no other change.
 */
public record ModelVariant(EngineProvider provider, EngineOptions options) {

  /** Every registered model in every variant it asks to be tested in. */
  public static Stream<ModelVariant> all() {
    return Engines.all().stream()
        .flatMap(p -> p.variants().stream().map(o -> new ModelVariant(p, o)));
  }

  /** Every registered model, each in its default variant only. */
  public static Stream<ModelVariant> defaults() {
    return Engines.all().stream().map(p -> new ModelVariant(p, p.variants().get(0)));
  }

  public boolean concurrent() {
    return provider.concurrent();
  }

  public String model() {
    return provider.model();
  }

  /** Starts {@code app} on this variant, on a free port of 127.0.0.1. */
  public Server start(Application<?> app, Limits limits) {
    return start(app, limits, 1);
  }

  /**
   * Starts {@code app} on this variant, on a free port of 127.0.0.1, able to serve {@code clients}
   * connections at the same time (see {@link EngineProvider#forConcurrentClients}).
   */
  public Server start(Application<?> app, Limits limits, int clients) {
    return start(app, limits, clients, 0);
  }

  /**
   * {@link #start(Application, Limits, int)} on {@code port} of 127.0.0.1: a test that restarts a
   * server where its clients will look for it again (a browser page that reconnects).
   */
  public Server start(Application<?> app, Limits limits, int clients, int port) {
    try {
      return provider
          .create(provider.forConcurrentClients(options, clients))
          .start(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), app, limits);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public String toString() {
    String settings = options.toString();
    return settings.isEmpty() ? provider.model() : provider.model() + " (" + settings + ")";
  }
}
