package io.switchboard.files;

import io.switchboard.engine.Limits;
import io.switchboard.engine.Server;
import io.switchboard.testkit.ModelVariant;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.function.UnaryOperator;

/**
 * A file server on one model, serving a fresh directory, with one user ({@link #USER}, {@link
 * #PASSWORD}) hashed at a cheap Argon2id cost so hundreds of test logins stay fast (the default
 * cost is tested in {@link UsersFileTest}). The passive data servers run on the same model, as the
 * command line arranges it.
 *
 * <p>Thread contract: made and closed by the test's thread.
 */
final class FtpFixture implements AutoCloseable {
  static final String USER = "alice";
  static final String PASSWORD = "correct horse";
  static final UsersFile.Cost CHEAP = new UsersFile.Cost(64, 1, 1);

  final Path root;
  final Path outside;
  final Server server;

  private FtpFixture(Path root, Path outside, Server server) {
    this.root = root;
    this.outside = outside;
    this.server = server;
  }

  /**
   * Serves {@code base/root}; {@code base/outside} holds a secret that no path may reach, and the
   * root holds a link to it ({@code escape}), so symlink escapes have something to find.
   */
  static FtpFixture start(
      ModelVariant model, Path base, int clients, UnaryOperator<FilesSettings> settings) {
    try {
      Path root = Files.createDirectories(base.resolve("root"));
      Path outside = Files.createDirectories(base.resolve("outside"));
      Files.writeString(outside.resolve("secret.txt"), "the outside secret\n");
      Files.createSymbolicLink(root.resolve("escape"), outside);
      Path usersPath = base.resolve("users");
      UsersFile users =
          UsersFile.loadOrEmpty(usersPath).withUser(USER, PASSWORD.toCharArray(), CHEAP);
      users.save();
      FilesSettings configured =
          settings.apply(
              FilesSettings.of(root)
                  .withUsers(UsersFile.load(usersPath))
                  .withLoginLimits(50, Duration.ofMillis(100), 3));
      Server server =
          model.start(
              FilesServer.application(
                  configured,
                  () ->
                      model
                          .provider()
                          .create(model.provider().forConcurrentClients(model.options(), 1))),
              Limits.DEFAULT.withIdleTimeout(Duration.ZERO),
              clients);
      return new FtpFixture(root, outside, server);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static FtpFixture start(ModelVariant model, Path base) {
    return start(model, base, 1, s -> s);
  }

  int port() {
    return server.localAddress().getPort();
  }

  InetSocketAddress address() {
    return server.localAddress();
  }

  String url(String path) {
    return "ftp://127.0.0.1:" + port() + "/" + path;
  }

  /** Files under the root whose names say they are uploads in progress. */
  long leftovers() {
    while (true) {
      try (var walk = Files.walk(root)) {
        return walk.filter(p -> FileRoot.hidden(p.getFileName().toString())).count();
      } catch (UncheckedIOException e) {
        if (!(e.getCause() instanceof NoSuchFileException)) {
          throw e;
        }
        // The server deleted an upload while the walk looked at it (what the tests wait for):
        // look again.
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  static void makePrivate(Path file) throws IOException {
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
  }

  @Override
  public void close() {
    server.shutdown();
  }
}
