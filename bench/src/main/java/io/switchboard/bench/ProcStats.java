package io.switchboard.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the kernel says about one process: CPU time used so far, resident memory and thread count,
 * read from {@code /proc/<pid>/stat} and {@code /proc/<pid>/status}. Measuring from outside the
 * server means every model is measured the same way, whatever it does inside.
 *
 * <p>Thread contract: immutable values; {@link #read} may be called from any thread.
 *
 * @param cpuSeconds user plus system CPU time since the process started
 * @param rssBytes resident set size ({@code VmRSS})
 * @param threads the process's thread count
 */
public record ProcStats(double cpuSeconds, long rssBytes, int threads) {

  /** Kernel clock ticks per second, the unit of utime and stime; 100 on every common Linux. */
  private static final long CLOCK_TICKS = clockTicks();

  /** True where {@code /proc} exists (Linux); elsewhere the bench reports no process figures. */
  public static boolean available() {
    return Files.isReadable(Path.of("/proc/self/stat"));
  }

  public static ProcStats read(long pid) throws IOException {
    Path dir = Path.of("/proc", Long.toString(pid));
    String stat = Files.readString(dir.resolve("stat"), StandardCharsets.US_ASCII);
    String status = Files.readString(dir.resolve("status"), StandardCharsets.US_ASCII);
    return new ProcStats(
        cpuSecondsFromStat(stat, CLOCK_TICKS),
        // A zombie (ended, not yet reaped: a vsftpd session on its way out) has no memory left
        // and no VmRSS line.
        (status.contains("\nVmRSS:") ? statusField(status, "VmRSS") : 0) * 1024,
        (int) statusField(status, "Threads"));
  }

  /** The most memory {@code pid} has held resident since it started ({@code VmHWM}). */
  public static long peakRssBytes(long pid) throws IOException {
    String status =
        Files.readString(Path.of("/proc", Long.toString(pid), "status"), StandardCharsets.US_ASCII);
    return statusField(status, "VmHWM") * 1024;
  }

  /** How many file descriptors {@code pid} holds open (sockets included). */
  public static int openFiles(long pid) throws IOException {
    try (var fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
      return (int) fds.count();
    }
  }

  /**
   * A server that forks (vsftpd's process per session, nginx's workers): the figures of {@code pid}
   * and every live descendant added up, each with the CPU of the children it has already reaped
   * (cutime and cstime, fields 16 and 17), so processes that ended during the trial count too,
   * however deep they were forked.
   */
  public static ProcStats tree(long pid) throws IOException {
    // A child the root reaps while the tree is read is counted twice if the root's cutime is read
    // after the listing, and not at all if before (gone from the listing, not yet in the cutime
    // read). The second happened: a trial read just after its warm-up missed the warm-up's
    // sessions at its start and found them in the cutime at its end (11.7 CPU seconds in 10 s on
    // one pinned core). So read again until the root's cutime did not move meanwhile.
    for (int attempt = 1; ; attempt++) {
      double reaped = reapedCpuSeconds(pid);
      ProcStats tree = treeOnce(pid, reaped);
      if (reapedCpuSeconds(pid) == reaped || attempt == 10) {
        return tree;
      }
    }
  }

  private static ProcStats treeOnce(long pid, double reaped) throws IOException {
    ProcStats root = read(pid);
    double cpu = root.cpuSeconds() + reaped;
    long rss = root.rssBytes();
    int threads = root.threads();
    for (ProcessHandle child :
        ProcessHandle.of(pid).map(p -> p.descendants().toList()).orElse(java.util.List.of())) {
      try {
        ProcStats stats = read(child.pid());
        cpu += stats.cpuSeconds() + reapedCpuSeconds(child.pid());
        rss += stats.rssBytes();
        threads += stats.threads();
      } catch (IOException e) {
        // It ended between the listing and the read: its CPU is in its parent's cutime by now.
      }
    }
    return new ProcStats(cpu, rss, threads);
  }

  /** The CPU of the children {@code pid} has waited for (cutime + cstime). */
  private static double reapedCpuSeconds(long pid) throws IOException {
    String[] fields = statFields(Files.readString(Path.of("/proc", Long.toString(pid), "stat")));
    return (Long.parseLong(fields[16 - 3]) + Long.parseLong(fields[17 - 3])) / (double) CLOCK_TICKS;
  }

  /** The current process (the load generator). */
  public static ProcStats self() throws IOException {
    return read(ProcessHandle.current().pid());
  }

  /** utime + stime (fields 14 and 15) of a {@code /proc/<pid>/stat} line, in seconds. */
  static double cpuSecondsFromStat(String stat, long clockTicks) {
    String[] fields = statFields(stat);
    long utime = Long.parseLong(fields[14 - 3]);
    long stime = Long.parseLong(fields[15 - 3]);
    return (utime + stime) / (double) clockTicks;
  }

  /**
   * The fields of a {@code /proc/<pid>/stat} line from field 3 (state) on, so field n is {@code [n
   * - 3]}. The command name (field 2) is in parentheses and may itself hold spaces and parentheses,
   * so they are counted from the last ')'.
   */
  private static String[] statFields(String stat) {
    int end = stat.lastIndexOf(')');
    if (end < 0) {
      throw new IllegalArgumentException("not a /proc stat line: " + stat);
    }
    return stat.substring(end + 1).trim().split("\\s+");
  }

  /** The number in a {@code Name: value [kB]} line of {@code /proc/<pid>/status}. */
  static long statusField(String status, String name) {
    for (String line : status.split("\n")) {
      if (line.startsWith(name + ":")) {
        String[] parts = line.substring(name.length() + 1).trim().split("\\s+");
        return Long.parseLong(parts[0]);
      }
    }
    throw new IllegalArgumentException("no " + name + " in /proc status");
  }

  private static long clockTicks() {
    try {
      Process getconf = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
      String out = new String(getconf.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
      if (getconf.waitFor() == 0) {
        return Long.parseLong(out.trim());
      }
    } catch (IOException | RuntimeException e) {
      // fall through to the value every mainstream Linux uses
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 100;
  }
}
