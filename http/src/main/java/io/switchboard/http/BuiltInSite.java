package io.switchboard.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * The small site served when no {@code --root} is given, so {@code serve --app http} shows
 * something on a fresh checkout: an index page linking the calculator and the project's docs, its
 * stylesheet and its image. It ships in the jar and is copied once into a temporary directory at
 * start (removed when the JVM exits), so it is served by exactly the code that serves any root,
 * {@code sendFile} included.
 *
 * <p>Thread contract: {@link #extract()} may be called from any thread; each call makes its own
 * copy.
 */
public final class BuiltInSite {
  private static final String BASE = "/io/switchboard/http/site/";

  /** The site's files, relative to its root (the docs are added by the build). */
  static final List<String> FILES =
      List.of(
          "index.html",
          "style.css",
          "switchboard.png",
          "docs/architecture.md",
          "docs/http.md",
          "docs/models.md",
          "docs/benchmarks.md",
          "docs/chat-protocol.md",
          "docs/processes.md");

  private BuiltInSite() {}

  /** Copies the site into a new temporary directory and returns it. */
  public static Path extract() {
    try {
      Path root = Files.createTempDirectory("switchboard-site-");
      root.toFile().deleteOnExit();
      Files.createDirectories(root.resolve("docs")).toFile().deleteOnExit();
      for (String name : FILES) {
        try (InputStream in = BuiltInSite.class.getResourceAsStream(BASE + name)) {
          if (in == null) {
            continue; // a doc this build did not package: the index's link gives a 404
          }
          Path file = root.resolve(name);
          Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
          file.toFile().deleteOnExit();
        }
      }
      return root;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot unpack the built-in site", e);
    }
  }
}
