package io.switchboard.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.engine.Limits;
import io.switchboard.engine.Server;
import io.switchboard.testkit.ModelVariant;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The small-file cache never serves what the path no longer leads to: a changed file, a file of the
 * same size rewritten, a file swapped for a link out of the root, a removed file. Over real
 * sockets, on one model (the cache sits in the app, the same on every model).
 */
class StaticFilesCacheTest {
  @TempDir Path base;

  private Server start(Path root) {
    ModelVariant variant =
        ModelVariant.all().filter(v -> v.toString().startsWith("select")).findFirst().orElseThrow();
    return variant.start(
        HttpServer.application(HttpSettings.DEFAULT.withRoot(root)), Limits.DEFAULT, 2);
  }

  private static RawHttp.Response get(Server server, String path) {
    try (RawHttp client = RawHttp.connect(server.localAddress())) {
      return client.exchange("GET " + path + " HTTP/1.1\r\nHost: t\r\n\r\n");
    }
  }

  @Test
  void aCachedFileIsServedOnlyWhileThePathLeadsToThatVeryFile() throws Exception {
    Path root = Files.createDirectories(base.resolve("root"));
    Path page = root.resolve("page.txt");
    Files.writeString(page, "first\n");
    Files.writeString(base.resolve("secret.txt"), "outside the root\n");
    try (Server server = start(root)) {
      assertThat(get(server, "/page.txt").text()).isEqualTo("first\n");
      assertThat(get(server, "/page.txt").text()).isEqualTo("first\n"); // from the cache

      Files.writeString(page, "second, longer\n"); // another size
      assertThat(get(server, "/page.txt").text()).isEqualTo("second, longer\n");

      Files.writeString(page, "SECOND, LONGER\n"); // same size: the modification time tells
      Files.setLastModifiedTime(page, FileTime.from(Instant.now().plusSeconds(5)));
      assertThat(get(server, "/page.txt").text()).isEqualTo("SECOND, LONGER\n");

      Files.delete(page); // swapped for a link out of the root: refused, cache or not
      Files.createSymbolicLink(page, base.resolve("secret.txt"));
      RawHttp.Response escaped = get(server, "/page.txt");
      assertThat(escaped.status()).isEqualTo(403);
      assertThat(escaped.text()).doesNotContain("outside the root");

      Files.delete(page);
      assertThat(get(server, "/page.txt").status()).isEqualTo(404);
    }
  }

  @Test
  void rangesAndConditionalsComeFromTheCachedBytesToo() throws Exception {
    Path root = Files.createDirectories(base.resolve("root"));
    Files.writeString(root.resolve("abc.txt"), "abcdefghij");
    try (Server server = start(root)) {
      RawHttp.Response whole = get(server, "/abc.txt");
      assertThat(whole.text()).isEqualTo("abcdefghij");
      try (RawHttp client = RawHttp.connect(server.localAddress())) {
        RawHttp.Response part =
            client.exchange("GET /abc.txt HTTP/1.1\r\nHost: t\r\nRange: bytes=2-4\r\n\r\n");
        assertThat(part.status()).isEqualTo(206);
        assertThat(part.text()).isEqualTo("cde");
        RawHttp.Response same =
            client.exchange(
                "GET /abc.txt HTTP/1.1\r\nHost: t\r\nIf-None-Match: "
                    + whole.headers().get("etag")
                    + "\r\n\r\n");
        assertThat(same.status()).isEqualTo(304);
      }
    }
  }
}
