package io.switchboard.bench;

import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * What a scenario needs of the server it measures: where to connect, and the process's figures.
 * Normally a {@link ServerProcess}; tests measure an in-process server through the same door.
 */
public interface ServerUnderTest {

  InetSocketAddress address();

  /** The figures of the process that serves (from {@code /proc}). */
  ProcStats stats() throws IOException;
}
