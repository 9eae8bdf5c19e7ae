package io.switchboard.engine;

import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;

/**
 * The engine side of the contract: one accepted TCP connection as an application sees it.
 *
 * <p>Thread contract: every method may be called from any thread and none of them blocks. Output is
 * appended to a bounded per-connection outbound queue that the engine drains in the background;
 * {@link Limits} sets its water marks and its hard cap.
 *
 * <p>When a send would take the queue past {@link Limits#maxQueuedBytes()}, the connection is
 * aborted with an {@link OutboundOverflowException} and the send returns {@code false}: a peer that
 * does not read cannot make the server buffer without bound. Applications that prefer to shed load
 * earlier watch {@link #isWritable()} (echo pauses reading, chat drops the member).
 */
public interface Connection {

  /** A number unique among this server's connections, in accept order. */
  long id();

  SocketAddress remoteAddress();

  /**
   * The address the peer reached this server at: the listener's own address, or with a wildcard
   * listener (0.0.0.0) the interface address the connection came in on. An app that tells the peer
   * where to connect next (FTP's PASV reply) needs this one, never the wildcard.
   */
  SocketAddress localAddress();

  /**
   * Queues bytes for sending: the buffer's remaining bytes, which must not be changed by anyone
   * afterwards. The connection reads them without moving the buffer's position, so one buffer may
   * be sent on many connections.
   *
   * @return {@code true} if the bytes were accepted (they will be written unless the connection is
   *     aborted or reset), {@code false} if the connection is closing or closed, or the send
   *     overflowed the outbound queue (which aborts the connection).
   */
  boolean send(ByteBuffer bytes);

  /**
   * Queues an array's bytes, which must not be changed afterwards; as {@link #send(ByteBuffer)}. A
   * broadcast sends one array to every receiver: each connection keeps only its place in it.
   */
  default boolean send(byte[] bytes) {
    return send(ByteBuffer.wrap(bytes));
  }

  /** Sends text as UTF-8; the caller supplies any line terminator. */
  default boolean send(CharSequence text) {
    return send(ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8)));
  }

  /**
   * The most a model asks the kernel to send of a {@link #sendFile} range in one call (one {@code
   * transferTo}, one {@code sendfile}): 60 KiB, fifteen pages, so that each call leaves as one
   * whole TCP segment: under loopback's MSS (65,483 bytes) and under the 64 KiB a NIC with
   * segmentation offload takes as one burst. Bigger is not cheaper. Measured with ftp-get on
   * loopback (docs/files.md, "What closed the gap"): 60 KiB calls cost the server 0.55x to 0.6x the
   * CPU per GB of 64 KiB calls (one byte over a segment, so every call also sent one of 53 bytes)
   * and 0.35x to 0.5x of 2 MiB calls (the send buffer fills, and segments leave smaller as ACKs
   * free room); three system calls per call are far less than the segments saved. Smaller calls
   * lose it again: 16 KiB cost about 3x (measured in another run).
   */
  int FILE_WRITE_BYTES = 60 * 1024;

  /**
   * Queues {@code count} bytes of a file, starting at {@code position}, to be sent without copying
   * them through the heap where the model allows ({@link FileChannel#transferTo}, in calls of at
   * most {@link #FILE_WRITE_BYTES}). The channel is not closed by the connection. Counts against
   * the outbound queue like any other send.
   */
  boolean sendFile(FileChannel file, long position, long count);

  /** False while the outbound queue is above the high-water mark, until it drains below the low. */
  boolean isWritable();

  /** Bytes accepted by {@code send} and not yet written to the socket. */
  long queuedBytes();

  /**
   * Stop reading from the peer (TCP flow control pushes back on it) until {@link #resumeReading}.
   */
  void pauseReading();

  void resumeReading();

  /** Flushes what is queued, then closes. Sends after this are refused. Idempotent. */
  default void close() {
    close(null);
  }

  /**
   * {@link #close()}, saying why for the server's log ("quit", "line too long"); the reason is
   * never sent to the peer. The first reason given for a connection is the one logged.
   *
   * @param reason a few words, or {@code null} for "closed by the server"
   */
  void close(String reason);

  /** Closes now, discarding queued output. Idempotent. */
  default void abort() {
    abort((String) null);
  }

  /**
   * {@link #abort()}, saying why for the server's log ("too slow"); never sent to the peer.
   *
   * @param reason a few words, or {@code null} for "aborted by the server"
   */
  void abort(String reason);

  /**
   * Ends the connection of a peer the app gives up on, one that does not read what it is sent (chat
   * drops such a member), without waiting for it. The connection gives back its place among {@link
   * Limits#maxConnections()} at once, so a newcomer can take it; nothing more is read, and sends
   * are refused. {@code lastWords} (why, in the app's protocol) are queued after the output already
   * waiting, and the socket closes once they are written, or is aborted when {@link
   * Limits#dropTimeout()} has passed, whether the peer reads or not; {@link Handler#closed} follows
   * either way. Does nothing once the connection is closing or closed.
   *
   * @param reason a few words for the server's log ("too slow"), never sent to the peer; {@code
   *     null} for "dropped by the server"
   */
  void drop(ByteBuffer lastWords, String reason);

  /** True until the connection starts closing. */
  boolean isOpen();

  /** The value stored under {@code key}, or {@code null}. */
  <T> T attribute(AttributeKey<T> key);

  /**
   * Stores {@code value} under {@code key} ({@code null} removes it); returns the previous value.
   */
  <T> T attribute(AttributeKey<T> key, T value);
}
