package io.switchboard.files.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.engine.Limits;
import io.switchboard.engine.Server;
import io.switchboard.files.FilesServer;
import io.switchboard.files.FilesSettings;
import io.switchboard.files.UsersFile;
import io.switchboard.testkit.ModelVariant;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client against the real server: one-shot commands with exit results, and a session. */
class FilesClientTest {
  @TempDir Path dir;
  private Path root;
  private Server server;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @BeforeEach
  void start() throws IOException {
    root = Files.createDirectories(dir.resolve("root"));
    Path users = dir.resolve("users");
    UsersFile.loadOrEmpty(users)
        .withUser("bob", "pw".toCharArray(), new UsersFile.Cost(64, 1, 1))
        .save();
    ModelVariant model =
        ModelVariant.defaults().filter(m -> m.model().equals("select")).findFirst().orElseThrow();
    server =
        model.start(
            FilesServer.application(
                FilesSettings.of(root).withUsers(UsersFile.load(users)),
                () -> model.provider().create(model.options())),
            Limits.DEFAULT);
  }

  @AfterEach
  void stop() {
    server.shutdown();
  }

  private FilesClient client() throws IOException {
    return FilesClient.connect(
        server.localAddress(),
        "bob",
        "pw".toCharArray(),
        new PrintWriter(out),
        new PrintWriter(err),
        true);
  }

  @Test
  void oneShotCommandsSayWhetherTheyWorked() throws IOException {
    Path local = Files.writeString(dir.resolve("notes.txt"), "some notes\n");
    try (FilesClient client = client()) {
      assertThat(client.run(List.of("put", local.toString(), "my notes.txt"))).isTrue();
      assertThat(Files.readString(root.resolve("my notes.txt"))).isEqualTo("some notes\n");
      assertThat(client.run(List.of("get", "my notes.txt", dir.resolve("back.txt").toString())))
          .isTrue();
      assertThat(Files.readString(dir.resolve("back.txt"))).isEqualTo("some notes\n");
      assertThat(client.run(List.of("get", "missing", dir.resolve("x").toString()))).isFalse();
      assertThat(dir.resolve("x")).doesNotExist();
      assertThat(dir.resolve("x.part")).as("no partial file stays").doesNotExist();
      assertThat(client.run(List.of("ls"))).isTrue();
    }
    assertThat(out.toString()).contains(" my notes.txt");
    assertThat(err.toString()).contains("550").contains("100%").contains("/s");
  }

  @Test
  void anInteractiveSessionRunsUntilQuit() throws IOException {
    try (FilesClient client = client()) {
      client.interact(
          new BufferedReader(
              new StringReader("mkdir \"a dir\"\ncd 'a dir'\npwd\nbogus\nquit\nls\n")),
          true);
    }
    assertThat(out.toString()).contains("ftp> ").contains("/a dir");
    assertThat(err.toString()).contains("unknown command 'bogus'");
    assertThat(root.resolve("a dir")).isDirectory();
  }

  @Test
  void aWrongPasswordIsRefusedWithTheServersWords() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                FilesClient.connect(
                    server.localAddress(),
                    "bob",
                    "nope".toCharArray(),
                    new PrintWriter(out),
                    new PrintWriter(err),
                    false))
        .hasMessageContaining("530 Login incorrect");
  }
}
