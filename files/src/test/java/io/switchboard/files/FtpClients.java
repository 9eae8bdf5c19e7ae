package io.switchboard.files;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Random;
import org.apache.commons.net.ftp.FTP;
import org.apache.commons.net.ftp.FTPClient;

/** What the file server's tests share: a logged-in Commons Net client, random files, checksums. */
final class FtpClients {
  private FtpClients() {}

  /** Commons Net's client, plus a way to drop the control connection as a killed client does. */
  static final class Client extends FTPClient {
    /** Closes the control socket without a word (the data connection is the caller's). */
    void dropControl() throws IOException {
      _socket_.close();
    }
  }

  /** A Commons Net client connected to {@code address}, not logged in. */
  static Client connect(InetSocketAddress address) {
    Client client = new Client();
    client.setConnectTimeout(10_000);
    client.setDefaultTimeout(20_000);
    client.setDataTimeout(java.time.Duration.ofSeconds(20));
    try {
      client.connect(address.getAddress(), address.getPort());
      client.setSoTimeout(20_000);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return client;
  }

  /** Connected, logged in as the fixture's user, passive, binary. */
  static Client loggedIn(FtpFixture ftp) throws IOException {
    Client client = connect(ftp.address());
    assertThat(client.login(FtpFixture.USER, FtpFixture.PASSWORD))
        .as("login: %s", client.getReplyString())
        .isTrue();
    client.enterLocalPassiveMode();
    assertThat(client.setFileType(FTP.BINARY_FILE_TYPE)).isTrue();
    return client;
  }

  static byte[] randomBytes(int size, long seed) {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  static Path randomFile(Path path, int size, long seed) throws IOException {
    return Files.write(path, randomBytes(size, seed));
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static String sha256(Path file) throws IOException {
    return sha256(Files.readAllBytes(file));
  }

  static void quietly(FTPClient client) {
    try {
      client.disconnect();
    } catch (IOException e) {
      // The test is over for this client.
    }
  }
}
