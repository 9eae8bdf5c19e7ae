package io.switchboard.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.engine.Limits;
import io.switchboard.engine.Server;
import io.switchboard.testkit.LargeFiles;
import io.switchboard.testkit.ModelVariant;
import java.io.InputStream;
import java.nio.file.Path;
import java.security.MessageDigest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 1 GiB file goes out whole and exact (same SHA-256 at both ends) while the server's heap stays
 * flat: the body streams from the file with {@code sendFile}, a slice at a time as the socket
 * drains, and is never held in memory. One representative model (the multi-reactor: an event loop
 * that must not be held up by a long download) keeps the suite short; streaming is the same {@link
 * ResponseQueue} code on every model, and every model's {@code sendFile} is in the conformance
 * suite.
 */
class LargeDownloadTest {
  private static final long SIZE = 1L << 30;

  /** Live heap may grow by at most this while the download runs (the file is 16 times more). */
  private static final long HEAP_SLACK = 64L << 20;

  @TempDir Path directory;

  @Test
  void oneGibibyteStreamsWithAMatchingChecksumAndAFlatHeap() throws Exception {
    byte[] expected = LargeFiles.write(directory.resolve("large.bin"), SIZE);
    ModelVariant reactor =
        ModelVariant.all().filter(v -> v.model().equals("reactor")).findFirst().orElseThrow();
    try (Server server =
            reactor.start(
                HttpServer.application(HttpSettings.DEFAULT.withRoot(directory)), Limits.DEFAULT);
        RawHttp client = RawHttp.connect(server.localAddress())) {
      long baseline = LargeFiles.liveHeap();
      RawHttp.Response head = client.get("/large.bin").readHead();
      assertThat(head.status()).isEqualTo(200);
      assertThat(head.header("content-length")).isEqualTo(Long.toString(SIZE));
      MessageDigest digest = LargeFiles.sha256();
      InputStream body = client.input();
      byte[] buffer = new byte[LargeFiles.BLOCK];
      long received = 0;
      long peak = 0;
      long nextCheck = SIZE / 4;
      while (received < SIZE) {
        int read = body.read(buffer, 0, (int) Math.min(buffer.length, SIZE - received));
        assertThat(read).as("bytes after %d", received).isPositive();
        digest.update(buffer, 0, read);
        received += read;
        if (received >= nextCheck) {
          peak = Math.max(peak, LargeFiles.liveHeap());
          nextCheck += SIZE / 4;
        }
      }
      assertThat(digest.digest()).isEqualTo(expected);
      assertThat(peak - baseline)
          .as("live heap growth during the download (baseline %d MiB)", baseline >> 20)
          .isLessThan(HEAP_SLACK);
      // The connection is still good for another request.
      assertThat(client.send("HEAD /large.bin HTTP/1.1\r\nHost: t\r\n\r\n").read(true).status())
          .isEqualTo(200);
    }
  }
}
