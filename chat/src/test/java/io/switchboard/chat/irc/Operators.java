package io.switchboard.chat.irc;

import io.switchboard.files.UsersFile;
import java.io.IOException;
import java.nio.file.Path;

/** A users file with one operator, as {@code switchboard files adduser} makes it. */
final class Operators {
  static final String NAME = "admin";
  static final String PASSWORD = "correct horse";

  /** Argon2id at a cost that keeps tests quick; the real file's cost is OWASP's. */
  private static final UsersFile.Cost CHEAP = new UsersFile.Cost(64, 1, 1);

  private Operators() {}

  /**
   * A fresh users file in {@code directory} (a test's own temporary one), loaded as the server
   * does.
   */
  static UsersFile file(Path directory) throws IOException {
    Path path = directory.resolve("opers.txt");
    UsersFile.loadOrEmpty(path).withUser(NAME, PASSWORD.toCharArray(), CHEAP).save();
    return UsersFile.load(path);
  }
}
