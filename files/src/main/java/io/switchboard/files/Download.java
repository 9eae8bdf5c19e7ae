package io.switchboard.files;

import io.switchboard.engine.Connection;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;

/**
 * Bytes going to the client: a range of a file (RETR) or a listing built in memory. A file is never
 * read into the heap: on a data connection of the engine it is queued in chunks with {@link
 * Connection#sendFile} (zero-copy where the model allows), and on an active-mode socket it is
 * copied with {@link FileChannel#transferTo} (sendfile on Linux).
 *
 * <p>Thread contract: {@link #pump} is called under the session's lock (from the control thread
 * that starts the transfer and from the data connection's thread when it drains); {@link #copyTo}
 * by the one thread that runs an active-mode transfer.
 */
final class Download extends Transfer {
  /**
   * Queued per {@code sendFile}: a gigabyte is 4,096 queue entries, which the engine writes in
   * calls of {@link Connection#FILE_WRITE_BYTES}. The data queue's water marks are whole numbers of
   * these ({@link FilesServer#DATA_LOW_WATER_MARK}).
   */
  static final int CHUNK = 256 * 1024;

  /** Sent through a buffer when the socket is full (see {@link #copyTo}). */
  private static final int WAIT_CHUNK = Connection.FILE_WRITE_BYTES;

  private final FileChannel file;
  private final ByteBuffer bytes;
  private long position;
  private long remaining;

  private Download(String description, FileChannel file, ByteBuffer bytes, long from, long count) {
    super(description);
    this.file = file;
    this.bytes = bytes;
    this.position = from;
    this.remaining = count;
  }

  static Download ofFile(String description, FileChannel file, long from) throws IOException {
    return new Download(description, file, null, from, Math.max(0, file.size() - from));
  }

  static Download ofBytes(String description, byte[] bytes) {
    return new Download(description, null, ByteBuffer.wrap(bytes), 0, bytes.length);
  }

  /**
   * Queues chunks on {@code data} while it is writable.
   *
   * @return true once everything is queued (the caller closes the connection, which flushes it)
   */
  boolean pump(Connection data) {
    while (remaining > 0 && data.isWritable()) {
      int count = (int) Math.min(CHUNK, remaining);
      boolean queued =
          file != null
              ? data.sendFile(file, position, count)
              : data.send(bytes.slice((int) position, count));
      if (!queued) {
        return false; // closing or closed: the end is reported by the connection
      }
      position += count;
      remaining -= count;
    }
    return remaining == 0;
  }

  /** Everything was handed to the connection. */
  boolean fullyQueued() {
    return remaining == 0;
  }

  /**
   * Writes everything to a blocking socket; {@code progress} hears of each step. On a virtual
   * thread {@code transferTo} returns 0 while the socket is full instead of waiting; then a piece
   * goes through a buffer, whose write does wait.
   */
  void copyTo(WritableByteChannel socket, Runnable progress) throws IOException {
    ByteBuffer chunk = null;
    while (remaining > 0) {
      long count;
      if (file != null) {
        count = file.transferTo(position, Math.min(Connection.FILE_WRITE_BYTES, remaining), socket);
        if (count == 0) { // a full socket on a virtual thread, or the file's end
          if (chunk == null) {
            chunk = ByteBuffer.allocate(WAIT_CHUNK);
          }
          chunk.clear().limit((int) Math.min(WAIT_CHUNK, remaining));
          if (file.read(chunk, position) <= 0) {
            throw new IOException("the file shrank during the transfer");
          }
          count = chunk.flip().remaining();
          while (chunk.hasRemaining()) {
            socket.write(chunk); // parks until there is room
          }
        }
      } else {
        count = socket.write(bytes.slice((int) position, (int) remaining));
      }
      position += count;
      remaining -= count;
      progress.run();
    }
  }

  @Override
  void release() {
    if (file != null) {
      try {
        file.close();
      } catch (IOException e) {
        // Closing a file we only read loses nothing.
      }
    }
  }
}
