package io.switchboard.engine;

import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * One IO model: how connections are accepted, read and written, and which thread runs the handler.
 * Every model drives the same {@link Application}, so an app runs unchanged on all.
 *
 * <p>An engine instance serves one {@link Server}; a model's provider makes a fresh one per server.
 */
public interface Engine {

  /**
   * Binds {@code address} (port 0 picks a free port) and starts serving {@code app}; returns once
   * the listener is bound and accepting.
   */
  <F> Server start(InetSocketAddress address, Application<F> app, Limits limits) throws IOException;
}
