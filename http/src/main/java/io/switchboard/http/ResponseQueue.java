package io.switchboard.http;

import io.switchboard.engine.Connection;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.ArrayDeque;
import java.util.Iterator;

/**
 * One connection's responses, sent in the order its requests arrived (RFC 9112 §9.3.2: pipelined
 * requests are answered in order), whoever finishes them and whenever. A request takes its place
 * with {@link #reserve()} as it is received; its response fills the place later, from any thread
 * ({@link Place#complete}): a heavy response computed on a worker pool leaves the connection free
 * to read and answer what follows, and nothing goes out before the responses ahead of it.
 *
 * <p>File bodies stream in slices of {@link #SLICE} bytes with {@link Connection#sendFile}, a slice
 * queued only while the connection {@linkplain Connection#isWritable() is writable}, and the rest
 * when it drains ({@link #writable()}): a 1 GiB download holds at most a water mark and a slice of
 * the engine's queue, never the file, and the heap stays flat. A file is closed once its last byte
 * has left the engine's queue (checked on every event of the connection) or when the connection
 * closes.
 *
 * <p>Backpressure towards the client: while answers wait (the socket does not drain, or more than
 * {@link #MAX_WAITING} requests are unanswered), reading from the client is paused, so a client
 * that pipelines without reading costs a bounded amount of memory; reading resumes as they go out.
 *
 * <p>Thread contract: any thread. One lock (this object) orders everything that sends; the engine's
 * callbacks and the workers that complete places both take it, and none of them blocks inside it
 * ({@link Connection#send} never blocks).
 */
public final class ResponseQueue {
  /** A file is handed to the engine this many bytes at a time, each while the socket drains. */
  public static final int SLICE = 256 * 1024;

  /** Unanswered requests a connection may have before reading from it pauses. */
  public static final int MAX_WAITING = 16;

  private final Connection connection;
  private final ArrayDeque<Place> places = new ArrayDeque<>();

  /** Files whose last byte was queued, with where that byte ends in this connection's output. */
  private final ArrayDeque<SentFile> sentFiles = new ArrayDeque<>();

  /** Bytes handed to the connection so far (the engine's queue holds the unwritten tail of it). */
  private long handedOver;

  private boolean pausedReading;
  private boolean finished;

  public ResponseQueue(Connection connection) {
    this.connection = connection;
  }

  /** Where one request's response goes, in request order. */
  public final class Place {
    private HttpResponse response;
    private boolean keepAliveForHttp10;
    private boolean headSent;
    private long fileSent;

    private Place() {}

    /**
     * Fills this place; sends it, and what was waiting behind it, once the responses ahead are out.
     * Any thread; once per place.
     *
     * @param keepAliveForHttp10 the request was HTTP/1.0 with {@code Connection: keep-alive}, and
     *     the response keeps the connection: say so
     */
    public void complete(HttpResponse value, boolean keepAliveForHttp10) {
      synchronized (ResponseQueue.this) {
        if (response != null) {
          throw new IllegalStateException("a place is filled once");
        }
        response = value;
        this.keepAliveForHttp10 = keepAliveForHttp10;
        if (finished) {
          release(value);
          return;
        }
        pump();
      }
    }
  }

  /** Takes the next place in line. */
  public synchronized Place reserve() {
    Place place = new Place();
    if (!finished) {
      places.add(place);
    }
    return place;
  }

  /** Sends {@code response} after every response ahead of it. */
  public void send(HttpResponse response, boolean keepAliveForHttp10) {
    reserve().complete(response, keepAliveForHttp10);
  }

  /** Unanswered requests (places not yet sent). */
  public synchronized int waiting() {
    return places.size();
  }

  /**
   * Pauses reading from the client while answers back up (call after taking a request's place);
   * resumed by this queue when they have gone out.
   */
  public synchronized void applyBackpressure() {
    if (!finished && !pausedReading && backedUp()) {
      pausedReading = true;
      connection.pauseReading();
    }
  }

  /** The connection drained below its low-water mark: stream on. Call from writabilityChanged. */
  public synchronized void writable() {
    if (!finished) {
      pump();
    }
  }

  /** The connection closed: close every file this queue still holds. Call from closed. */
  public synchronized void closed() {
    finished = true;
    for (Place place : places) {
      if (place.response != null) {
        release(place.response);
      }
    }
    places.clear();
    while (!sentFiles.isEmpty()) {
      close(sentFiles.poll().file);
    }
  }

  private boolean backedUp() {
    return places.size() > MAX_WAITING || !connection.isWritable();
  }

  /** Sends what is ready, in order, as far as the connection takes it. Holds the lock. */
  private void pump() {
    closeWrittenFiles();
    while (!places.isEmpty() && !finished) {
      Place head = places.peek();
      if (head.response == null || !write(head)) {
        break;
      }
      places.poll();
      if (head.response.closes()) {
        finished = true;
        connection.close();
        for (Place dropped : places) {
          if (dropped.response != null) {
            release(dropped.response);
          }
        }
        places.clear();
      }
    }
    if (pausedReading && !finished && !backedUp()) {
      pausedReading = false;
      connection.resumeReading();
    }
  }

  /** Writes what it can of {@code place}; true when all of it is handed to the connection. */
  private boolean write(Place place) {
    HttpResponse response = place.response;
    long bodyLength = response.bodyLength();
    FileChannel file = response.bodyFile();
    if (!place.headSent) {
      place.headSent = true;
      ByteBuffer head = response.encodeHead(place.keepAliveForHttp10);
      byte[] bytes = response.bodyBytes();
      if (bytes != null && bodyLength > 0) {
        ByteBuffer whole = ByteBuffer.allocate(head.remaining() + bytes.length);
        head = whole.put(head).put(bytes).flip();
      }
      hand(head.remaining(), connection.send(head));
    }
    if (file == null) {
      return true;
    }
    while (place.fileSent < bodyLength && connection.isWritable() && !finished) {
      long count = Math.min(SLICE, bodyLength - place.fileSent);
      hand(count, connection.sendFile(file, response.filePosition() + place.fileSent, count));
      place.fileSent += count;
    }
    if (finished) {
      sentFiles.add(new SentFile(file, Long.MAX_VALUE)); // closed with the connection
      return true;
    }
    if (place.fileSent < bodyLength) {
      return false; // writable() carries on
    }
    sentFiles.add(new SentFile(file, handedOver));
    closeWrittenFiles();
    return true;
  }

  private void hand(long count, boolean accepted) {
    if (accepted) {
      handedOver += count;
    } else {
      finished = true; // the connection is closing or was aborted: nothing more goes out
    }
  }

  /** Closes the files whose every byte the engine has written. */
  private void closeWrittenFiles() {
    long written = handedOver - connection.queuedBytes();
    Iterator<SentFile> files = sentFiles.iterator();
    while (files.hasNext()) {
      SentFile sent = files.next();
      if (sent.end > written) {
        return;
      }
      close(sent.file);
      files.remove();
    }
  }

  private static void release(HttpResponse response) {
    if (response.bodyFile() != null) {
      close(response.bodyFile());
    }
  }

  private static void close(FileChannel file) {
    try {
      file.close();
    } catch (IOException e) {
      // a read-only file: closing it cannot lose data, and there is no one to tell
    }
  }

  private record SentFile(FileChannel file, long end) {}
}
