package io.switchboard.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The users file: hashes that verify, an atomic private file, and refusals that say why. */
class UsersFileTest {
  @TempDir Path dir;

  @Test
  void aUserAddedAtTheDefaultCostLogsInWithTheirPasswordOnly() throws IOException {
    Path path = dir.resolve("users");
    UsersFile.loadOrEmpty(path).withUser("bob", "s3cret pass".toCharArray()).save();

    UsersFile users = UsersFile.load(path);
    assertThat(users.names()).containsExactly("bob");
    assertThat(users.verify("bob", "s3cret pass".toCharArray())).isTrue();
    assertThat(users.verify("bob", "s3cret pasS".toCharArray())).isFalse();
    assertThat(users.verify("nobody", "s3cret pass".toCharArray())).isFalse();
    String line = Files.readAllLines(path).get(1);
    assertThat(line).startsWith("bob:$argon2id$v=19$m=19456,t=2,p=1$").doesNotContain("s3cret");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(path)))
        .isEqualTo("rw-------");
  }

  @Test
  void replacingAPasswordKeepsTheOthersAndSaltsEachHash() throws IOException {
    Path path = dir.resolve("users");
    UsersFile.Cost cheap = FtpFixture.CHEAP;
    UsersFile.loadOrEmpty(path)
        .withUser("a", "same".toCharArray(), cheap)
        .withUser("b", "same".toCharArray(), cheap)
        .save();
    UsersFile.load(path).withUser("a", "changed".toCharArray(), cheap).save();

    UsersFile users = UsersFile.load(path);
    assertThat(users.names()).containsExactly("a", "b");
    assertThat(users.verify("a", "same".toCharArray())).isFalse();
    assertThat(users.verify("a", "changed".toCharArray())).isTrue();
    assertThat(users.verify("b", "same".toCharArray())).isTrue();
    try (var siblings = Files.list(dir)) {
      assertThat(siblings).as("no temporary file left").containsExactly(path);
    }
    String[] lines = Files.readString(path).split("\n");
    assertThat(lines[1].substring(2)).isNotEqualTo(lines[2].substring(2)); // salted
  }

  @Test
  void bcryptLinesAsHtpasswdWritesThemVerifyToo() throws IOException {
    Path path = dir.resolve("users");
    // htpasswd -nbB carol hunter2 (cost 5, to keep the test quick)
    String hash =
        org.bouncycastle.crypto.generators.OpenBSDBCrypt.generate(
            "2y", "hunter2".toCharArray(), new byte[16], 5);
    Files.writeString(path, "carol:" + hash + "\n");
    FtpFixture.makePrivate(path);
    assertThat(UsersFile.load(path).verify("carol", "hunter2".toCharArray())).isTrue();
    assertThat(UsersFile.load(path).verify("carol", "hunter3".toCharArray())).isFalse();
  }

  @Test
  void aFileOthersCanReadIsRefusedWithTheFix() throws IOException {
    Path path = dir.resolve("users");
    UsersFile.loadOrEmpty(path).withUser("a", "x".toCharArray(), FtpFixture.CHEAP).save();
    Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-r--r--"));
    assertThatThrownBy(() -> UsersFile.load(path))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("can be read or written by other users")
        .hasMessageContaining("chmod 600 " + path);
  }

  @Test
  void badLinesAndNamesAreRefusedClearly() throws IOException {
    Path path = dir.resolve("users");
    Files.writeString(path, "# comment\n\nalice:plaintext\n");
    FtpFixture.makePrivate(path);
    assertThatThrownBy(() -> UsersFile.load(path)).hasMessageContaining("line 3");
    assertThatThrownBy(() -> UsersFile.load(dir.resolve("missing")))
        .hasMessageContaining("switchboard files adduser NAME --users");
    UsersFile empty = UsersFile.loadOrEmpty(dir.resolve("new"));
    assertThatThrownBy(() -> empty.withUser("a:b", "x".toCharArray()))
        .hasMessageContaining("user name");
    assertThatThrownBy(() -> empty.withUser("ok", new char[0])).hasMessageContaining("empty");
  }
}
