package io.switchboard.bench;

import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * What a scenario needs of the server it measures: where to connect, and the process's figures.
 * Normally a {@link ServerProcess}; tests measure an in-process server through the same door.
 */
public interface ServerUnderTest {

  InetSocketAddress address();

  /**
   * Where the clients that send connect, in the scenarios that have senders: the same server, or
   * another node of a hub spread over several ({@link NodePair}).
   */
  default InetSocketAddress sendersAddress() {
    return address();
  }

  /** The figures of the process that serves (from {@code /proc}). */
  ProcStats stats() throws IOException;

  /** The id of the process that serves. */
  long pid();

  /**
   * True when the server is a JVM process of its own, so {@code jcmd} may ask it for its heap. Not
   * a native reference server (jcmd's attach signal, SIGQUIT, would end it), nor a server inside
   * the bench's own JVM (its heap is the bench's too).
   */
  default boolean isOwnJvm() {
    return false;
  }

  /**
   * Stops the server as an operator does (SIGTERM for a process), waits for it to end and says how
   * long that took; the scenarios that measure the shutdown call it, the others leave the server to
   * the bench.
   */
  Stopped stop() throws InterruptedException;

  /**
   * How a stop went.
   *
   * @param seconds from the signal to the end of the process (or of the in-process shutdown)
   * @param exitStatus the process's exit status; 0 for a clean stop, -1 if it had to be killed
   */
  record Stopped(double seconds, int exitStatus) {}
}
