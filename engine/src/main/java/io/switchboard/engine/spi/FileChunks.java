package io.switchboard.engine.spi;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;

/**
 * A file range sent through a buffer, where {@link FileChannel#transferTo} cannot be used or does
 * not wait: an asynchronous channel has no {@code transferTo}, and on a virtual thread a blocking
 * socket is non-blocking underneath, so {@code transferTo} returns 0 while the socket is full where
 * a plain {@code write} parks until there is room.
 */
public final class FileChunks {
  private FileChunks() {}

  /**
   * Reads the start of the range {@code position}, {@code count} of {@code file} into {@code chunk}
   * (cleared first, filled to its capacity or the range's end) and flips it.
   *
   * @throws EOFException if the file ends before that
   */
  public static ByteBuffer read(FileChannel file, long position, long count, ByteBuffer chunk)
      throws IOException {
    chunk.clear().limit((int) Math.min(chunk.capacity(), count));
    while (chunk.hasRemaining()) {
      if (file.read(chunk, position + chunk.position()) < 0) {
        throw new EOFException("file ended before the range sent from it");
      }
    }
    return chunk.flip();
  }

  /**
   * Writes the start of the range to a blocking {@code socket} through {@code chunk}, waiting for
   * room as a blocking write does.
   *
   * @return the bytes written (the chunk's capacity, or less at the range's end)
   */
  public static int writeThrough(
      FileChannel file, long position, long count, WritableByteChannel socket, ByteBuffer chunk)
      throws IOException {
    read(file, position, count, chunk);
    int length = chunk.remaining();
    while (chunk.hasRemaining()) {
      socket.write(chunk);
    }
    return length;
  }
}
