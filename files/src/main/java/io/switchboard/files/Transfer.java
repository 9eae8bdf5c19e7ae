package io.switchboard.files;

/**
 * What one transfer command moves over its data connection: a {@link Download} (RETR and the
 * listings) or an {@link Upload} (STOR, APPE). The data link moves the bytes; the session decides
 * what the end means and answers on the control connection.
 *
 * <p>Thread contract: the bytes are moved by one data thread at a time; {@link #release} is called
 * once, by whoever ends the transfer.
 */
abstract sealed class Transfer permits Download, Upload {
  private final String description;

  Transfer(String description) {
    this.description = description;
  }

  /** Closes the file this transfer holds. Idempotent. */
  abstract void release();

  @Override
  public String toString() {
    return description;
  }
}
