package io.switchboard.files;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.testkit.LargeFiles;
import io.switchboard.testkit.ModelVariant;
import java.io.InputStream;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A 256 MiB download (RETR) arrives whole and exact (same SHA-256 at both ends) while the server's
 * heap stays flat: the data connection queues file ranges while it is writable, which the engine
 * sends with {@code transferTo}; the ranges cost queue entries, never their bytes. Five models keep
 * the suite short and cover every writer of that queue: {@code select} (non-blocking, one call per
 * readiness event), {@code threads} (a blocking writer thread), {@code virtual} (a blocking writer
 * on a virtual thread, where {@code transferTo} returns 0 on a full socket instead of waiting),
 * {@code epoll} (its own socket, so each call's bytes are read into the loop's buffer) and {@code
 * aio} (a buffer per chunk, written asynchronously). Active mode sends from a virtual thread of its
 * own on every model: once is enough.
 */
class LargeDownloadTest {
  private static final long SIZE = 256L << 20;

  /** Live heap may grow by at most this while the download runs (the file is 4 times more). */
  private static final long HEAP_SLACK = 64L << 20;

  @TempDir Path directory;

  static Stream<ModelVariant> writers() {
    return ModelVariant.defaults()
        .filter(
            v ->
                v.model().equals("select")
                    || v.model().equals("threads")
                    || v.model().equals("virtual")
                    || v.model().equals("epoll")
                    || v.model().equals("aio"));
  }

  @ParameterizedTest
  @MethodSource("writers")
  void aLargeFileStreamsExactlyWithAFlatHeap(ModelVariant model) throws Exception {
    try (FtpFixture ftp = FtpFixture.start(model, directory)) {
      downloadsExactly(ftp, FtpClients.loggedIn(ftp));
    }
  }

  @Test
  void aLargeFileStreamsExactlyInActiveMode() throws Exception {
    ModelVariant model =
        ModelVariant.defaults().filter(v -> v.model().equals("select")).findFirst().orElseThrow();
    try (FtpFixture ftp =
        FtpFixture.start(model, directory, 1, settings -> settings.withActiveEnabled(true))) {
      FtpClients.Client client = FtpClients.loggedIn(ftp);
      client.enterLocalActiveMode();
      downloadsExactly(ftp, client);
    }
  }

  private static void downloadsExactly(FtpFixture ftp, FtpClients.Client client) throws Exception {
    try {
      byte[] expected = LargeFiles.write(ftp.root.resolve("large.bin"), SIZE);
      long baseline = LargeFiles.liveHeap();
      MessageDigest digest = LargeFiles.sha256();
      long received = 0;
      long peak = 0;
      try (InputStream body = client.retrieveFileStream("large.bin")) {
        assertThat(body).as("RETR: %s", client.getReplyString()).isNotNull();
        byte[] buffer = new byte[LargeFiles.BLOCK];
        long nextCheck = SIZE / 4;
        int read;
        while ((read = body.read(buffer)) > 0) {
          digest.update(buffer, 0, read);
          received += read;
          if (received >= nextCheck) {
            peak = Math.max(peak, LargeFiles.liveHeap());
            nextCheck += SIZE / 4;
          }
        }
      }
      assertThat(client.completePendingCommand()).as(client.getReplyString()).isTrue();
      assertThat(received).isEqualTo(SIZE);
      assertThat(digest.digest()).isEqualTo(expected);
      assertThat(peak - baseline)
          .as("live heap growth during the download (baseline %d MiB)", baseline >> 20)
          .isLessThan(HEAP_SLACK);
    } finally {
      FtpClients.quietly(client);
    }
  }
}
