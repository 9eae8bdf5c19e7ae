package io.switchboard.bench;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * What a trial does to a server, with the server app it needs, its default connection counts, the
 * figures shown for it and the one that picks "the best Netty transport".
 */
public enum Scenario {
  /** N connections ping-pong a 64-byte line. */
  ECHO(
      "echo",
      List.of(1, 100, 1_000, 10_000),
      Metric.MSGS_PER_S,
      List.of(
          Metric.MSGS_PER_S,
          Metric.P99_US,
          Metric.MSGS_PER_CPU_S,
          Metric.RSS_MIB,
          Metric.P50_US,
          Metric.P999_US,
          Metric.THREADS,
          Metric.CLIENT_CPU_S)),
  /** Hold N idle connections: memory and threads per connection. */
  IDLE(
      "echo",
      List.of(15_000),
      Metric.RSS_PER_CONN_KIB,
      List.of(
          Metric.CONNECTIONS_HELD,
          Metric.RSS_PER_CONN_KIB,
          Metric.HEAP_PER_CONN_KIB,
          Metric.THREADS_PER_CONN,
          Metric.RSS_MIB,
          Metric.THREADS,
          Metric.SERVER_CPU_S)),
  /** N clients each loop: connect, one round trip, close. */
  CONNECT(
      "echo",
      List.of(1, 100),
      Metric.CONNS_PER_S,
      List.of(
          Metric.CONNS_PER_S,
          Metric.P99_US,
          Metric.FAILURES,
          Metric.P50_US,
          Metric.MSGS_PER_CPU_S,
          Metric.THREADS,
          Metric.CLIENT_CPU_S)),
  /** R receivers in one chat room, senders at a fixed total rate. */
  FANOUT(
      "chat",
      List.of(100, 1_000),
      Metric.P99_US,
      List.of(
          Metric.DELIVERIES_PER_S,
          Metric.DELIVERY_RATIO,
          Metric.P99_US,
          Metric.SENT_PER_S,
          Metric.P50_US,
          Metric.P999_US,
          Metric.SERVER_CPU_S,
          Metric.THREADS)),
  /**
   * A connection storm into the chat's lobby: N places, N + 20% clients connecting at once, a pair
   * chatting in another room meanwhile, half the crowd leaving at once, then SIGTERM with the rest
   * connected.
   */
  STORM(
      "chat",
      List.of(10_000),
      Metric.WELCOME_MAX_MS,
      List.of(
          Metric.ADMITTED,
          Metric.REFUSED,
          Metric.FAILURES,
          Metric.WELCOME_P99_MS,
          Metric.WELCOME_MAX_MS,
          Metric.P99_US,
          Metric.RSS_PEAK_MIB,
          Metric.STOP_S)),
  /**
   * N chat sessions at a time, each connecting, joining a room, talking and leaving, over and over
   * at a steady total rate: the server's figures at the start and the end (RSS half-way too).
   */
  SOAK(
      "chat",
      List.of(200),
      Metric.HEAP_END_MIB,
      List.of(
          Metric.SESSIONS,
          Metric.FAILURES,
          Metric.P99_US,
          Metric.FDS_START,
          Metric.FDS_END,
          Metric.THREADS_START,
          Metric.THREADS_END,
          Metric.RSS_START_MIB,
          Metric.RSS_HALF_MIB,
          Metric.RSS_END_MIB,
          Metric.HEAP_START_MIB,
          Metric.HEAP_END_MIB)),
  /**
   * The web server: N kept-alive connections each fetch one file (1 KiB, then 1 MiB) over and over,
   * one request in flight each; {@code nginx} among the models is measured too.
   */
  HTTP(
      "http",
      List.of(100, 1_000),
      Metric.REQS_PER_S,
      List.of(
          Metric.REQS_PER_S,
          Metric.P50_US,
          Metric.P99_US,
          Metric.MIB_PER_S,
          Metric.CPU_US_PER_REQ,
          Metric.RSS_MIB,
          Metric.THREADS)),
  /**
   * The web server while it computes: N connections fetch a 1 KiB file (cheap) while a few others
   * ask the calculator a heavy question; the cheap requests' latency shows whether heavy work holds
   * up the loop. Each model runs as given and with the worker pool.
   */
  HTTP_CPU(
      "http",
      List.of(100),
      Metric.P99_US,
      List.of(
          Metric.P50_US,
          Metric.P99_US,
          Metric.P999_US,
          Metric.REQS_PER_S,
          Metric.HEAVY_PER_S,
          Metric.SERVER_CPU_S,
          Metric.THREADS)),
  /** N FTP clients each download a 1 GiB file over and over: throughput and CPU per GB. */
  FTP_GET(
      "files",
      List.of(1, 4),
      Metric.MB_PER_S,
      List.of(
          Metric.MB_PER_S,
          Metric.CPU_S_PER_GB,
          Metric.SERVER_CPU_S,
          Metric.RSS_MIB,
          Metric.THREADS,
          Metric.FAILURES));

  private final String app;

  @SuppressWarnings("ImmutableEnumChecker") // List.of: immutable, which the checker cannot see
  private final List<Integer> defaultConnections;

  private final Metric headline;

  @SuppressWarnings("ImmutableEnumChecker") // List.of: immutable, which the checker cannot see
  private final List<Metric> shown;

  Scenario(String app, List<Integer> defaultConnections, Metric headline, List<Metric> shown) {
    this.app = app;
    this.defaultConnections = defaultConnections;
    this.headline = headline;
    this.shown = shown;
  }

  /** The name on the command line and in reports ({@code http-cpu}, {@code ftp-get}). */
  public String key() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** True for the scenarios that talk HTTP to the web server (and to nginx). */
  public boolean http() {
    return this == HTTP || this == HTTP_CPU;
  }

  /** The {@code serve --app} the scenario talks to. */
  public String app() {
    return app;
  }

  public List<Integer> defaultConnections() {
    return defaultConnections;
  }

  /** The figure that decides which Netty transport is "the best" at a point. */
  public Metric headline() {
    return headline;
  }

  /** How long a trial measures unless {@code --duration} says otherwise. */
  public Duration defaultDuration() {
    return this == SOAK ? Duration.ofMinutes(3) : BenchOptions.DEFAULT_DURATION;
  }

  /** True if a point of this scenario has a send rate ({@code --rate}) as well as a count. */
  public boolean hasRate() {
    return this == FANOUT || this == SOAK;
  }

  /** The figures in this scenario's table, most telling first (the table shows as many as fit). */
  public List<Metric> shown() {
    return shown;
  }

  public static Scenario parse(String name) {
    try {
      return valueOf(name.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "unknown scenario '"
              + name
              + "'; scenarios: echo, idle, connect, fanout, ftp-get, storm, soak, http,"
              + " http-cpu",
          e);
    }
  }
}
