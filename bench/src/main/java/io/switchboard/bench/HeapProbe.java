package io.switchboard.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The heap a server process keeps after a full collection, asked from outside with {@code jcmd PID
 * GC.class_histogram}: the JVM collects before it counts (a full GC, whatever the collector), and
 * the histogram's {@code Total} line is the bytes of every object still alive. That line reads the
 * same for every collector, where {@code GC.heap_info} is worded by each collector its own way; and
 * {@code jcmd} talks to the JVM through its attach socket only, so it needs no port (a JMX agent
 * needs one, and a machine whose ephemeral ports a storm has left in TIME_WAIT may have none).
 *
 * <p>The first call starts the server's attach listener, a thread: read the heap before the thread
 * count, so start and end are counted with it alike.
 *
 * <p>Thread contract: stateless; any thread.
 */
final class HeapProbe {
  /** What the collector's filler classes are named like (JDK 21 and later). */
  private static final String FILLER = "jdk.internal.vm.Filler";

  private HeapProbe() {}

  /** Runs a full GC in process {@code pid} and returns the bytes of the objects alive after it. */
  static long heapAfterGc(long pid) throws IOException, InterruptedException {
    Process jcmd =
        new ProcessBuilder(jcmd().toString(), Long.toString(pid), "GC.class_histogram")
            .redirectErrorStream(true)
            .start();
    String out = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!jcmd.waitFor(60, TimeUnit.SECONDS) || jcmd.exitValue() != 0) {
      jcmd.destroyForcibly();
      throw new IOException("jcmd GC.class_histogram failed: " + lastLine(out));
    }
    return total(out);
  }

  /**
   * The bytes on the histogram's {@code Total} line, less the collector's filler arrays ({@code
   * jdk.internal.vm.FillerElement[]}, {@code FillerObject}): dead space the collector formats as
   * arrays so the heap stays parsable, which the histogram lists like objects. Counted, they made a
   * ten-minute soak's heap look 17 MiB larger at the end on some models, with nothing alive behind
   * it.
   */
  static long total(String histogram) throws IOException {
    long fillers = 0;
    for (String line : histogram.lines().toList()) { // the rows, then Total
      String[] fields = line.trim().split("\\s+");
      if (fields.length == 3 && fields[0].equals("Total")) {
        return Long.parseLong(fields[2]) - fillers;
      }
      if (fields.length >= 4 && fields[0].endsWith(":") && fields[3].contains(FILLER)) {
        fillers += Long.parseLong(fields[2]);
      }
    }
    throw new IOException("no Total line in the class histogram: " + lastLine(histogram));
  }

  /** {@code jcmd} of the JDK this bench runs on. */
  private static Path jcmd() throws IOException {
    Path home = Path.of(System.getProperty("java.home"));
    Path jcmd = home.resolve("bin").resolve("jcmd");
    if (!Files.isExecutable(jcmd)) {
      throw new IOException("no jcmd in " + home + " (a JDK, not a JRE, runs the bench)");
    }
    return jcmd;
  }

  private static String lastLine(String text) {
    return text.strip().lines().reduce((a, b) -> b).orElse("(nothing)");
  }
}
