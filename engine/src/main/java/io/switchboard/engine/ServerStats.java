package io.switchboard.engine;

/**
 * What a running server has done since it started, counted by the engine the same way on every
 * model: the figures an operator graphs (exported as Prometheus metrics by {@code serve
 * --metrics-port}). Counts only grow; {@link #open()} and {@link #queuedBytes()} are the present.
 *
 * <p>Thread contract: every method may be called from any thread; each figure is read without
 * stopping the server, so figures read one after another may be a moment apart.
 */
public interface ServerStats {

  /** Connections accepted and admitted. */
  long accepted();

  /** Connections turned away at {@link Limits#maxConnections()}. */
  long refused();

  /** Connections open right now. */
  int open();

  /** Bytes read from clients. */
  long bytesIn();

  /** Bytes written to clients. */
  long bytesOut();

  /** Frames decoded and handed to the app. */
  long framesIn();

  /** Sends the app made (each {@code send} or {@code sendFile} is one). */
  long framesOut();

  /** Bytes the app has queued that are not yet written, over all open connections. */
  long queuedBytes();

  /** Connections closed for being idle ({@link Limits#idleTimeout()}). */
  long idleCloses();

  /** Frames that did not complete in time ({@link Limits#frameTimeout()}). */
  long frameTimeouts();

  /** Connections aborted because a send passed {@link Limits#maxQueuedBytes()}. */
  long overflows();

  /** Connections aborted because the app's handler or decoder threw. */
  long handlerFailures();
}
