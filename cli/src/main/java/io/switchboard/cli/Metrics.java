package io.switchboard.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.switchboard.engine.ServerStats;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.function.ToDoubleFunction;

/**
 * {@code serve --metrics-port N}: the server's figures in Prometheus' text format at {@code
 * /metrics}, through Micrometer's Prometheus registry (the format and the JVM's own metrics are
 * theirs, not ours). The engine's counters ({@link ServerStats}) are read when Prometheus scrapes,
 * tagged with the app and the model; an app adds its own (the chat hub: rooms, members, drops)
 * through a {@link MeterBinder}. Served by the JDK's own small HTTP server on one thread.
 *
 * <p>Thread contract: made on the main thread; scrapes are answered on the metrics thread.
 */
final class Metrics implements AutoCloseable {
  private final PrometheusMeterRegistry registry;
  private final HttpServer http;

  private Metrics(PrometheusMeterRegistry registry, HttpServer http) {
    this.registry = registry;
    this.http = http;
  }

  /**
   * Starts serving {@code /metrics} on {@code address} for the servers of {@code app} on {@code
   * model}: one per port it listens on, each server's figures tagged with the name of its name (the
   * app's for {@code --port}, an endpoint's such as {@code irc} for the others).
   *
   * @param appMeters the app's own meters, or {@code null}
   */
  static Metrics serve(
      InetSocketAddress address,
      String app,
      String model,
      Map<String, ServerStats> listeners,
      MeterBinder appMeters)
      throws IOException {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config().commonTags("app", app, "model", model);
    listeners.forEach((name, stats) -> bindServer(registry, name, stats));
    for (MeterBinder jvm :
        new MeterBinder[] {
          new JvmMemoryMetrics(),
          new JvmGcMetrics(),
          new JvmThreadMetrics(),
          new ClassLoaderMetrics(),
          new ProcessorMetrics(),
          new FileDescriptorMetrics(),
          new UptimeMetrics()
        }) {
      jvm.bindTo(registry);
    }
    if (appMeters != null) {
      appMeters.bindTo(registry);
    }
    HttpServer http = HttpServer.create(address, 16);
    http.createContext(
        "/metrics",
        exchange -> {
          try (exchange) {
            reply(exchange, registry.scrape());
          }
        });
    http.setExecutor(
        Executors.newSingleThreadExecutor(
            r -> Thread.ofPlatform().daemon(true).name("metrics").unstarted(r)));
    http.start();
    return new Metrics(registry, http);
  }

  /** Where it listens (the real port when 0 was asked for). */
  InetSocketAddress address() {
    return http.getAddress();
  }

  private static void reply(HttpExchange exchange, String body) throws IOException {
    if (!exchange.getRequestMethod().equals("GET")) {
      exchange.getResponseHeaders().set("Allow", "GET");
      exchange.sendResponseHeaders(405, -1);
      return;
    }
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
    exchange.sendResponseHeaders(200, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static void bindServer(MeterRegistry registry, String listener, ServerStats stats) {
    counter(
        registry,
        listener,
        "switchboard.connections.accepted",
        "connections admitted",
        stats,
        s -> s.accepted());
    counter(
        registry,
        listener,
        "switchboard.connections.refused",
        "connections refused at --max-connections",
        stats,
        s -> s.refused());
    counter(
        registry,
        listener,
        "switchboard.connections.idle.closed",
        "connections closed for idling",
        stats,
        s -> s.idleCloses());
    counter(
        registry,
        listener,
        "switchboard.connections.overflowed",
        "connections aborted: output queue over its cap",
        stats,
        s -> s.overflows());
    counter(
        registry,
        listener,
        "switchboard.connections.handler.failures",
        "connections aborted: the app's handler threw",
        stats,
        s -> s.handlerFailures());
    counter(
        registry,
        listener,
        "switchboard.frames.timed.out",
        "frames not complete within --frame-timeout",
        stats,
        s -> s.frameTimeouts());
    counter(
        registry,
        listener,
        "switchboard.bytes.in",
        "bytes read from clients",
        stats,
        s -> s.bytesIn());
    counter(
        registry,
        listener,
        "switchboard.bytes.out",
        "bytes written to clients",
        stats,
        s -> s.bytesOut());
    counter(
        registry,
        listener,
        "switchboard.frames.in",
        "frames decoded and handed to the app",
        stats,
        s -> s.framesIn());
    counter(
        registry,
        listener,
        "switchboard.frames.out",
        "sends made by the app",
        stats,
        s -> s.framesOut());
    gauge(
        registry,
        listener,
        "switchboard.connections.open",
        "connections open now",
        stats,
        s -> s.open());
    gauge(
        registry,
        listener,
        "switchboard.outbound.queued.bytes",
        "bytes queued for clients, not yet written",
        stats,
        s -> s.queuedBytes());
  }

  private static void counter(
      MeterRegistry registry,
      String listener,
      String name,
      String help,
      ServerStats stats,
      ToDoubleFunction<ServerStats> value) {
    FunctionCounter.builder(name, stats, value)
        .description(help)
        .tag("listener", listener)
        .register(registry);
  }

  private static void gauge(
      MeterRegistry registry,
      String listener,
      String name,
      String help,
      ServerStats stats,
      ToDoubleFunction<ServerStats> value) {
    Gauge.builder(name, stats, value)
        .description(help)
        .tag("listener", listener)
        .strongReference(true)
        .register(registry);
  }

  /** The scrape as Prometheus would see it, for tests. */
  String scrape() {
    return registry.scrape();
  }

  @Override
  public void close() {
    http.stop(0);
    registry.close();
  }
}
