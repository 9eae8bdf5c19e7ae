package io.switchboard.cli.prefork;

import java.io.IOException;
import java.io.InputStream;

/**
 * A worker's side of its tie to the supervisor: the supervisor holds the only write end of the
 * worker's stdin pipe and never writes to it, so end of file on stdin means the supervisor has
 * gone, however it went (even SIGKILL, when the kernel closes its descriptors). The worker then
 * shuts down gracefully instead of serving on as an orphan that nobody restarts or stops.
 *
 * <p>Thread contract: {@link #watch} starts one daemon thread that blocks reading stdin and runs
 * {@code onSupervisorGone} on it.
 */
public final class Lifeline {
  private Lifeline() {}

  private static final System.Logger LOG = System.getLogger("io.switchboard.worker");

  public static void watch(Runnable onSupervisorGone) {
    Thread.ofPlatform()
        .daemon()
        .name("lifeline")
        .start(
            () -> {
              InputStream in = System.in;
              byte[] ignored = new byte[256];
              try {
                while (in.read(ignored) >= 0) {
                  // the supervisor sends nothing; only the end of the stream matters
                }
              } catch (IOException e) {
                // a broken pipe means the same as its end
              }
              LOG.log(System.Logger.Level.WARNING, "supervisor gone (stdin closed): shutting down");
              onSupervisorGone.run();
            });
  }
}
