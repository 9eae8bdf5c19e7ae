package io.switchboard.bench;

/**
 * Every figure the bench reports, with its unit and which way is better (for "best Netty" and the
 * ratios).
 */
public enum Metric {
  MSGS_PER_S("msgs_per_s", "msgs/s", true),
  REQS_PER_S("reqs_per_s", "req/s", true),
  MIB_PER_S("mib_per_s", "MiB/s", true),
  HEAVY_PER_S("heavy_per_s", "heavy/s", true),
  CPU_US_PER_REQ("cpu_us_per_req", "cpu µs/req", false),
  CONNS_PER_S("conns_per_s", "conns/s", true),
  SENT_PER_S("sent_per_s", "sent/s", true),
  DELIVERIES_PER_S("deliveries_per_s", "deliveries/s", true),
  DELIVERY_RATIO("delivery_ratio", "delivered", true),
  P50_US("p50_us", "p50 µs", false),
  P99_US("p99_us", "p99 µs", false),
  P999_US("p999_us", "p99.9 µs", false),
  MSGS_PER_CPU_S("msgs_per_cpu_s", "msgs/cpu-s", true),
  SERVER_CPU_S("server_cpu_s", "server cpu s", false),
  CLIENT_CPU_S("client_cpu_s", "load cpu s", false),
  RSS_MIB("rss_mib", "RSS MiB", false),
  THREADS("threads", "threads", false),
  CONNECTIONS_HELD("connections_held", "held", true),
  RSS_PER_CONN_KIB("rss_per_conn_kib", "KiB/conn", false),
  HEAP_PER_CONN_KIB("heap_per_conn_kib", "heap KiB/conn", false),
  THREADS_PER_CONN("threads_per_conn", "threads/conn", false),
  FAILURES("failures", "failed", false),
  ADMITTED("admitted", "admitted", true),
  REFUSED("refused", "refused", true),
  WELCOME_P99_MS("welcome_p99_ms", "welcome p99 ms", false),
  WELCOME_MAX_MS("welcome_max_ms", "welcome max ms", false),
  RSS_PEAK_MIB("rss_peak_mib", "RSS peak MiB", false),
  STOP_S("stop_s", "stop s", false),
  SESSIONS("sessions", "sessions", true),
  FDS_START("fds_start", "fds start", false),
  FDS_END("fds_end", "fds end", false),
  THREADS_START("threads_start", "threads start", false),
  THREADS_END("threads_end", "threads end", false),
  RSS_START_MIB("rss_start_mib", "RSS start MiB", false),
  RSS_HALF_MIB("rss_half_mib", "RSS half-way MiB", false),
  RSS_END_MIB("rss_end_mib", "RSS end MiB", false),
  HEAP_START_MIB("heap_start_mib", "heap start MiB", false),
  HEAP_END_MIB("heap_end_mib", "heap end MiB", false),
  MB_PER_S("mb_per_s", "MB/s", true),
  CPU_S_PER_GB("cpu_s_per_gb", "server cpu s/GB", false);

  private final String key;
  private final String label;
  private final boolean higherIsBetter;

  Metric(String key, String label, boolean higherIsBetter) {
    this.key = key;
    this.label = label;
    this.higherIsBetter = higherIsBetter;
  }

  /** The name in the JSON report. */
  public String key() {
    return key;
  }

  /** The column heading in the table and the axis title in charts. */
  public String label() {
    return label;
  }

  public boolean higherIsBetter() {
    return higherIsBetter;
  }

  /** True if {@code a} is better than {@code b}. */
  public boolean better(double a, double b) {
    return higherIsBetter ? a > b : a < b;
  }
}
