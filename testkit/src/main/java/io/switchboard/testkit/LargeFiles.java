package io.switchboard.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Random;

/**
 * What a test of a large download needs: a file whose every block differs (so a range sent from the
 * wrong place cannot match), its SHA-256, and the live heap to show the server never held it.
 *
 * <p>Thread contract: stateless; any thread.
 */
public final class LargeFiles {
  private LargeFiles() {}

  /** The block the file is written in, and a good size for reading it back. */
  public static final int BLOCK = 1 << 20;

  /**
   * Writes {@code size} bytes (a multiple of {@link #BLOCK}: a random block, changed per block) to
   * a new {@code file}; returns their SHA-256.
   */
  public static byte[] write(Path file, long size) {
    byte[] block = new byte[BLOCK];
    new Random(13).nextBytes(block);
    MessageDigest digest = sha256();
    try (FileChannel channel =
        FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      ByteBuffer buffer = ByteBuffer.wrap(block);
      for (long i = 0; i < size / BLOCK; i++) {
        buffer.putLong(0, i * 0x9E3779B97F4A7C15L);
        digest.update(block);
        buffer.clear();
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the test file " + file, e);
    }
    return digest.digest();
  }

  public static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Heap in use after a full collection: what is really held. */
  public static long liveHeap() {
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
