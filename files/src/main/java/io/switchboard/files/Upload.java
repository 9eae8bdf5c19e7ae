package io.switchboard.files;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Bytes coming from the client into a file. A new upload (STOR) is written to a hidden temporary
 * name in the target directory ({@link FileRoot#UPLOAD_PREFIX}) and renamed over the target only
 * once the session has seen it complete, so nobody ever sees half a file under its name, and a
 * failed or abandoned upload leaves nothing. A resumed upload (REST+STOR, APPE) writes in place:
 * keeping what arrived is the point of resuming.
 *
 * <p>Thread contract: {@link #write} by the one data thread that moves the bytes; {@link #commit},
 * {@link #discard} and {@link #release} under the session's lock, after the data thread is done.
 */
final class Upload extends Transfer {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Path target;
  private final Path temporary;
  private final FileChannel out;
  private long received;
  private boolean finished;

  private Upload(String description, Path target, Path temporary, FileChannel out) {
    super(description);
    this.target = target;
    this.temporary = temporary;
    this.out = out;
  }

  /** A new file for {@code target}, written under a temporary name beside it. */
  static Upload replacing(String description, Path target) throws IOException {
    Path temporary =
        target.resolveSibling(FileRoot.UPLOAD_PREFIX + HexFormat.of().formatHex(randomBytes()));
    FileChannel out =
        FileChannel.open(
            Files.createFile(
                temporary,
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r--r--"))),
            StandardOpenOption.WRITE);
    return new Upload(description, target, temporary, out);
  }

  /** Writes into {@code target} itself from {@code position} (REST+STOR), or at its end (APPE). */
  static Upload inPlace(String description, Path target, long position, boolean append)
      throws IOException {
    FileChannel out =
        append
            ? FileChannel.open(
                target,
                StandardOpenOption.CREATE,
                StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)
            : FileChannel.open(target, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    if (!append) {
      out.position(position);
    }
    return new Upload(description, target, null, out);
  }

  private static byte[] randomBytes() {
    byte[] bytes = new byte[8];
    RANDOM.nextBytes(bytes);
    return bytes;
  }

  /** Writes what one read brought; a failure (a full disk) ends the transfer. */
  void write(ByteBuffer bytes) throws IOException {
    while (bytes.hasRemaining()) {
      received += out.write(bytes);
    }
  }

  long received() {
    return received;
  }

  /** True for REST+STOR and APPE, which keep what arrived whatever happens. */
  boolean inPlace() {
    return temporary == null;
  }

  /** Puts the complete file in place: the rename is atomic, replacing what was there. */
  void commit() throws IOException {
    release();
    if (temporary != null && !finished) {
      finished = true;
      Files.move(
          temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** Drops an upload that did not complete: nothing is left under any name. Idempotent. */
  void discard() {
    release();
    if (temporary != null && !finished) {
      finished = true;
      try {
        Files.deleteIfExists(temporary);
      } catch (IOException e) {
        System.getLogger(Upload.class.getName())
            .log(System.Logger.Level.WARNING, "could not delete " + temporary, e);
      }
    }
  }

  @Override
  void release() {
    try {
      out.close();
    } catch (IOException e) {
      // Written bytes are in the page cache already; a failing close changes nothing we act on.
    }
  }
}
