package io.switchboard.engine.spi;

import java.io.Closeable;
import java.io.IOException;

/**
 * Closing where a failure has no one to tell: a listener at shutdown, a socket already given up on.
 * Written once so each model does not repeat the empty catch.
 */
public final class Quietly {
  private Quietly() {}

  /** Closes {@code resource}, ignoring an {@link IOException}: closing is all we wanted. */
  public static void close(Closeable resource) {
    try {
      resource.close();
    } catch (IOException e) {
      // Closing is all we wanted; the resource is released either way.
    }
  }
}
