package io.switchboard.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code --pin}: the server on core 0 and the load generator on core 1, with {@code taskset}, so
 * the two do not take each other's core and the server's CPU figure is its own. Where taskset is
 * missing or there is one core, it says so and runs unpinned.
 *
 * <p>Thread contract: used by the bench's driving thread.
 */
final class Pinning {
  static final Pinning NONE = new Pinning(null, null);

  private final String serverCpus;
  private final String restoreCpus;

  private Pinning(String serverCpus, String restoreCpus) {
    this.serverCpus = serverCpus;
    this.restoreCpus = restoreCpus;
  }

  /** Pins this process (every thread, present and future) to core 1; servers go to core 0. */
  static Pinning apply(Progress progress) throws InterruptedException {
    int cores = Runtime.getRuntime().availableProcessors();
    if (cores < 2
        || (!Files.isExecutable(Path.of("/usr/bin/taskset"))
            && !Files.isExecutable(Path.of("/bin/taskset")))) {
      progress.log("--pin: needs taskset and 2 cores; running unpinned");
      return NONE;
    }
    if (!taskset("1")) {
      progress.log("--pin: taskset failed; running unpinned");
      return NONE;
    }
    return new Pinning("0", "0-" + (cores - 1));
  }

  /** The cpu list for servers, or {@code null} when not pinning. */
  String serverCpus() {
    return serverCpus;
  }

  void undo() throws InterruptedException {
    if (restoreCpus != null) {
      taskset(restoreCpus);
    }
  }

  private static boolean taskset(String cpus) throws InterruptedException {
    long pid = ProcessHandle.current().pid();
    try {
      Process process =
          new ProcessBuilder(List.of("taskset", "-a", "-p", "-c", cpus, Long.toString(pid)))
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      return process.waitFor(10, TimeUnit.SECONDS) && process.exitValue() == 0;
    } catch (IOException e) {
      return false;
    }
  }
}
