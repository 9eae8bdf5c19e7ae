package io.switchboard.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

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

  /** Every directory extracted in this process, for {@link #removeExtracted}. */
  private static final Set<Path> EXTRACTED = ConcurrentHashMap.newKeySet();

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
    return extract(BuiltInSite.class, BASE, FILES);
  }

  /**
   * Copies files packaged in the jar into a new temporary directory (removed when the JVM exits)
   * and returns it, so {@link StaticFiles} serves them as it serves any root: how another front
   * ships its page (the browser chat's) without a second file server.
   *
   * @param owner a class of the jar the files are packaged in (whose class loader finds them)
   * @param base the resource path of the site's root, starting and ending with {@code /}
   * @param files the site's files relative to {@code base}; one the jar lacks is skipped (a 404)
   */
  public static Path extract(Class<?> owner, String base, List<String> files) {
    try {
      Path root = Files.createTempDirectory("switchboard-site-");
      EXTRACTED.add(root);
      root.toFile().deleteOnExit();
      for (String name : files) {
        try (InputStream in = owner.getResourceAsStream(base + name)) {
          if (in == null) {
            continue; // a file this build did not package: a link to it gives a 404
          }
          Path file = root.resolve(name);
          Path parent = file.getParent();
          if (!Files.isDirectory(parent)) {
            Files.createDirectories(parent).toFile().deleteOnExit();
          }
          Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
          file.toFile().deleteOnExit();
        }
      }
      return root;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot unpack the site packaged under " + base, e);
    }
  }

  /**
   * Removes every directory {@link #extract} made in this process, for a process about to end
   * without the JVM's own exit: a server stopped by SIGTERM halts the JVM with its status once it
   * has shut down, and a halt runs no {@code deleteOnExit}. Call it after the servers have stopped;
   * what cannot be removed is left, as {@code deleteOnExit} leaves it.
   */
  public static void removeExtracted() {
    for (Path root : EXTRACTED) {
      try (Stream<Path> tree = Files.walk(root)) {
        for (Path path : tree.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(path);
        }
        EXTRACTED.remove(root);
      } catch (IOException | UncheckedIOException e) {
        // A temporary directory left behind harms nobody; the process is ending anyway.
      }
    }
  }
}
