package io.switchboard.files;

import java.io.IOException;

/**
 * The data connection a session set up with PASV/EPSV ({@link PassiveData}) or PORT/EPRT ({@link
 * ActiveData}), good for one transfer. It tells the session when the connection is there ({@link
 * FtpSession#dataReady}, the moment for {@code 150}) and how the transfer ended ({@link
 * FtpSession#dataEnded}); the session decides what that means.
 *
 * <p>Thread contract: {@link #start} and {@link #abort} are called under the session's lock; the
 * link calls the session back from its own threads, never while holding a lock of its own.
 */
sealed interface DataLink permits PassiveData, ActiveData {

  /** Moves {@code transfer}'s bytes once the connection is there. */
  void start(Transfer transfer);

  /** Ends now (ABOR, a newer PASV or PORT, the session's end); a started transfer ends too. */
  void abort();

  /** No data connection came (none accepted in time, or the client's port refused us): 425. */
  final class NoConnectionException extends IOException {
    private static final long serialVersionUID = 1L;

    NoConnectionException(String message) {
      super(message);
    }
  }

  /** Writing an upload to the disk failed (451, or 452 for a full disk), not the network. */
  final class LocalWriteException extends IOException {
    private static final long serialVersionUID = 1L;

    LocalWriteException(IOException cause) {
      super(cause.getMessage(), cause);
    }

    boolean diskFull() {
      return String.valueOf(getMessage()).contains("No space left")
          || String.valueOf(getMessage()).contains("Disk quota exceeded");
    }
  }
}
