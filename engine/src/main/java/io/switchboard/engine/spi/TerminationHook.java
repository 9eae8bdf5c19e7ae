package io.switchboard.engine.spi;

import io.switchboard.engine.Server;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntSupplier;

/**
 * What SIGTERM and Ctrl-C do to a server process, written once: run its graceful stop and exit with
 * the status that stop returns (0 for a clean one), not the 128 + signal the JVM would exit with,
 * so a service manager sees a clean stop as success.
 *
 * <p>The stop runs in a JVM shutdown hook, which also runs on {@link System#exit}; it ends with
 * {@link Runtime#halt}, so nothing may depend on another hook running after it.
 *
 * <p>Thread contract: {@link #install} and {@link #remove} from any thread.
 */
public final class TerminationHook {
  private TerminationHook() {}

  /**
   * Installs {@code stop} as the process's termination: on SIGTERM, SIGINT or {@link System#exit}
   * it runs, and the process halts with the status it returns.
   *
   * @return the hook, for {@link #remove} when the process ends by itself instead
   */
  public static Thread install(String name, IntSupplier stop) {
    Thread hook = new Thread(() -> Runtime.getRuntime().halt(stop.getAsInt()), name);
    Runtime.getRuntime().addShutdownHook(hook);
    return hook;
  }

  /** Removes a hook that is no longer needed; harmless once the JVM is shutting down. */
  public static void remove(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // the hook is running and will halt with its own status
    }
  }

  /**
   * Serves until the process is told to stop: then shuts {@code server} down gracefully and exits
   * 0. Never returns normally.
   */
  public static void serveUntilTerminated(Server server) {
    serveUntilTerminated(List.of(server));
  }

  /**
   * {@link #serveUntilTerminated(Server)} for an app that listens on several ports (a server each):
   * they are shut down at the same time, so the shutdown deadline holds once, not once per server.
   */
  public static void serveUntilTerminated(List<? extends Server> servers) {
    serveUntilTerminated(servers, () -> {});
  }

  /**
   * {@link #serveUntilTerminated(List)}, then {@code afterwards} once every server has stopped: for
   * what the app shares beyond this process (the chat hub's bus), which its departing connections
   * still use while the servers shut down.
   */
  public static void serveUntilTerminated(List<? extends Server> servers, Runnable afterwards) {
    install(
        "shutdown",
        () -> {
          List<Thread> stopping = new ArrayList<>();
          for (Server server : servers) {
            stopping.add(Thread.ofVirtual().name("shutdown").start(server::shutdown));
          }
          for (Thread thread : stopping) {
            try {
              thread.join();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
          afterwards.run();
          return 0;
        });
    while (true) {
      try {
        Thread.currentThread().join(); // the hook halts the JVM
      } catch (InterruptedException e) {
        // keep waiting: only the hook ends a server process
      }
    }
  }
}
