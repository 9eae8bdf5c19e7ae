package io.switchboard.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Random;
import java.util.stream.Stream;

/**
 * The files the http scenarios fetch, in a temporary directory that every server under test serves
 * ({@code serve --app http --root DIR}, and nginx's {@code root}): one file per size the scenario
 * visits ({@code 1024.bin}, {@code 1048576.bin}), of random bytes so no layer can compress them.
 *
 * <p>Thread contract: made and removed by the bench's driving thread; read by the servers.
 */
final class HttpSite implements AutoCloseable {
  private final Path root;

  private HttpSite(Path root) {
    this.root = root;
  }

  static HttpSite create() throws IOException {
    Path root = Files.createTempDirectory("switchboard-bench-site-");
    Random random = new Random(1);
    for (int size : BenchOptions.HTTP_FILE_SIZES) {
      byte[] bytes = new byte[size];
      random.nextBytes(bytes);
      Files.write(root.resolve(name(size)), bytes);
    }
    return new HttpSite(root);
  }

  /** The file of {@code size} bytes, as a path on the server ({@code /1024.bin}). */
  static String path(int size) {
    return "/" + name(size);
  }

  private static String name(int size) {
    return size + ".bin";
  }

  Path root() {
    return root;
  }

  @Override
  public void close() throws IOException {
    try (Stream<Path> files = Files.walk(root)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(file);
      }
    }
  }
}
